package dev.openenv.core.mcp;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

/**
 * A tool: its name, description and the JSON Schema of its arguments, as the step path's
 * {@code list_tools} lists it, plus the JSON Schema of its result when the tool declares one (shown
 * only by the JSON-RPC {@code tools/list}, as {@code outputSchema}).
 */
public record Tool(String name, String description, @JsonProperty("input_schema") JsonNode inputSchema,
                   @JsonIgnore JsonNode outputSchema) {
    /** A tool whose result has no declared schema. */
    public Tool(String name, String description, JsonNode inputSchema) {
        this(name, description, inputSchema, null);
    }
}
