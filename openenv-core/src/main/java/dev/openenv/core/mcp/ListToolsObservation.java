package dev.openenv.core.mcp;

import java.util.List;

/** The tools available to the agent in the current mode. */
public record ListToolsObservation(List<Tool> tools) implements McpObservation {
    public ListToolsObservation {
        tools = List.copyOf(tools);
    }
}
