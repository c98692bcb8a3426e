package dev.openenv.core.mcp;

import dev.openenv.core.json.ActionValidationException;
import dev.openenv.core.json.ValidationError;
import dev.openenv.core.json.WireCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decodes an MCP action by its {@code type}, as the reference's servers do: {@code "list_tools"} is a
 * {@link ListToolsAction}; anything else must be a {@link CallToolAction} ({@code type} may be omitted).
 */
public final class McpActions {
    private McpActions() {}

    public static McpAction decode(JsonNode json, WireCodec codec) {
        if (json.isObject() && "list_tools".equals(json.path("type").asString(null))) {
            return codec.decode(json, ListToolsAction.class);
        }
        if (!json.isObject()) {
            return codec.decode(json, CallToolAction.class); // reports the non-object input
        }
        List<ValidationError> errors = new ArrayList<>();
        JsonNode type = json.get("type");
        ObjectNode rest = ((ObjectNode) json).deepCopy();
        if (type != null && !"call_tool".equals(type.asString(null))) {
            errors.add(new ValidationError("literal_error", List.of("type"), "Input should be 'call_tool'", type,
                    Map.of("expected", "'call_tool'")));
            rest.remove("type");
        }
        try {
            CallToolAction action = codec.decode(rest, CallToolAction.class);
            if (errors.isEmpty()) {
                return action;
            }
        } catch (ActionValidationException e) {
            for (ValidationError err : e.errors()) {
                // Report the input as sent, "type" included, as the reference does.
                errors.add(err.loc().size() == 1 && err.type().equals("missing")
                        ? new ValidationError(err.type(), err.loc(), err.msg(), json, err.ctx()) : err);
            }
        }
        throw new ActionValidationException(errors);
    }
}
