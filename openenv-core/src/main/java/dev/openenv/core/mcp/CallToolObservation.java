package dev.openenv.core.mcp;

import dev.openenv.core.Default;
import tools.jackson.databind.JsonNode;

/**
 * The outcome of a tool call: {@code result} is the MCP call result
 * ({@code content}, {@code structured_content}, {@code meta}, {@code data}, {@code is_error}) on success,
 * {@code error} says why the call could not be made.
 */
public record CallToolObservation(String toolName, @Default("null") JsonNode result, @Default("null") ToolError error)
        implements McpObservation {}
