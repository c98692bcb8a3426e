package dev.openenv.core.mcp;

import dev.openenv.core.Action;

/** The two actions of an MCP environment, told apart on the wire by {@code type}. */
public sealed interface McpAction extends Action permits ListToolsAction, CallToolAction {}
