package dev.openenv.core.mcp;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import dev.openenv.core.Default;
import java.util.Map;

/** Asks for the environment's tools: {@code {"type":"list_tools"}}. */
@JsonClassDescription("Request list of available tools from the environment.")
public record ListToolsAction(@Default("\"list_tools\"") String type, Map<String, Object> metadata) implements McpAction {
    public ListToolsAction {
        type = "list_tools";
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public ListToolsAction() {
        this("list_tools", Map.of());
    }
}
