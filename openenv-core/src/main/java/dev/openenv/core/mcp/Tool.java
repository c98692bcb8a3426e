package dev.openenv.core.mcp;

import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

/** A tool as the step path lists it: name, description and the JSON Schema of its arguments. */
public record Tool(String name, String description, @JsonProperty("input_schema") JsonNode inputSchema) {}
