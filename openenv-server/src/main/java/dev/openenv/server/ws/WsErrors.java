package dev.openenv.server.ws;

import dev.openenv.core.json.ValidationError;
import dev.openenv.core.json.WireCodec;
import java.util.List;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The {@code {"type":"error","data":{"message","code",…}}} frames of the {@code /ws} protocol. */
final class WsErrors {
    static final String INVALID_JSON = "INVALID_JSON";
    static final String UNKNOWN_TYPE = "UNKNOWN_TYPE";
    static final String VALIDATION_ERROR = "VALIDATION_ERROR";
    static final String EXECUTION_ERROR = "EXECUTION_ERROR";
    static final String CAPACITY_REACHED = "CAPACITY_REACHED";
    static final String FACTORY_ERROR = "FACTORY_ERROR";
    static final String SESSION_ERROR = "SESSION_ERROR";

    private WsErrors() {}

    static ObjectNode error(String code, String message) {
        ObjectNode frame = JsonNodeFactory.instance.objectNode();
        frame.put("type", "error");
        ObjectNode data = frame.putObject("data");
        data.put("message", message);
        data.put("code", code);
        return frame;
    }

    static ObjectNode validation(List<ValidationError> errors, WireCodec codec) {
        ObjectNode frame = error(VALIDATION_ERROR, "Invalid message");
        ((ObjectNode) frame.get("data")).set("errors", codec.errors(errors, true));
        return frame;
    }

    static ObjectNode capacity(int active, int max, String message) {
        ObjectNode frame = error(CAPACITY_REACHED, message);
        ((ObjectNode) frame.get("data")).put("active_sessions", active).put("max_sessions", max);
        return frame;
    }

    static ObjectNode factory(String factoryName, String message) {
        ObjectNode frame = error(FACTORY_ERROR, message);
        ((ObjectNode) frame.get("data")).put("factory_name", factoryName);
        return frame;
    }
}
