package dev.openenv.core.mcp;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.openenv.core.Default;
import java.util.Map;
import java.util.Objects;

/** Calls one tool: {@code {"type":"call_tool","tool_name":"echo_message","arguments":{"message":"hi"}}}. */
@JsonClassDescription("Call a specific tool via MCP.")
public record CallToolAction(
        @JsonPropertyDescription("Action type discriminator") @Default("\"call_tool\"") String type,
        @JsonPropertyDescription("Name of the tool to call") String toolName,
        @JsonPropertyDescription("Arguments to pass to the tool") @Default("{}") Map<String, Object> arguments,
        Map<String, Object> metadata) implements McpAction {

    public CallToolAction {
        type = "call_tool";
        Objects.requireNonNull(toolName, "tool_name");
        arguments = arguments == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(arguments));
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public CallToolAction(String toolName, Map<String, ?> arguments) {
        this("call_tool", toolName, new java.util.LinkedHashMap<>(arguments), Map.of());
    }
}
