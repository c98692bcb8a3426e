package dev.openenv.core.mcp;

/** What an MCP environment's step answers: a tool list or a tool call's outcome. */
public sealed interface McpObservation permits ListToolsObservation, CallToolObservation, EmptyObservation {}
