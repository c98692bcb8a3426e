package dev.openenv.core.protocol;

import dev.openenv.core.json.WireCodec;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A frame the server sends on {@code /ws}: {@code {"type": …, "data": …}}. {@link #toJson} is how the
 * server writes one; {@link #parse} is how the client reads one.
 */
public sealed interface ServerMessage {

    /** {@code observation}: {@code data} is the envelope {@code {observation, reward, done, …}}. */
    record Observation(ObjectNode envelope) implements ServerMessage {}

    /** {@code state}: {@code data} is the environment's state. */
    record State(JsonNode state) implements ServerMessage {}

    /** {@code mcp}: {@code data} is a JSON-RPC response. */
    record Mcp(JsonNode response) implements ServerMessage {}

    /**
     * {@code error}: {@code data} is {@code {"message", "code", …details}}.
     *
     * @param rawCode the code as it was on the wire (differs from {@code code.wire()} only for {@link ErrorCode#UNKNOWN})
     * @param details every other member of {@code data}, as JSON
     */
    record Error(ErrorCode code, String rawCode, String message, ObjectNode details) implements ServerMessage {

        /** The error frame for {@code failure}: its message, code and the members the reference adds. */
        public static Error of(Failure failure, WireCodec codec) {
            ObjectNode details = JsonNodeFactory.instance.objectNode();
            switch (failure) {
                case Failure.Invalid f -> details.set("errors", codec.errors(f.errors(), true));
                case Failure.InvalidBody f -> details.set("errors", codec.errors(f.errors(), false));
                case Failure.CapacityReached f -> details.put("active_sessions", f.active()).put("max_sessions", f.max());
                case Failure.FactoryFailed f -> details.put("factory_name", f.factoryName());
                case Failure.InvalidJson f -> { }
                case Failure.UnknownType f -> { }
                case Failure.BadRequest f -> { }
                case Failure.InvalidParams f -> { }
                case Failure.MethodNotAllowed f -> { }
                case Failure.NotFound f -> { }
                case Failure.Execution f -> { }
                case Failure.Timeout f -> { }
                case Failure.SessionFailed f -> { }
                case Failure.NotSupported f -> { }
            }
            return new Error(failure.code(), failure.code().wire(), failure.message(), details);
        }

        /**
         * Reads an HTTP error response of the routes ({@code /reset}, {@code /step}, {@code /state}) as the
         * error it stands for: the status picks the code the way {@link Failure#httpStatus()} assigned it
         * (422 and 400 validation, 503 capacity, anything else execution), {@code detail} gives the
         * message (a string) or the validation errors (a list, kept in {@code errors}); {@code status}
         * is kept in the details.
         */
        public static Error fromHttp(int status, String body, WireCodec codec) {
            JsonNode json;
            try {
                json = body == null || body.isBlank() ? null : codec.parse(body);
            } catch (RuntimeException notJson) {
                json = null;
            }
            JsonNode detail = json == null ? null : json.get("detail");
            ObjectNode details = JsonNodeFactory.instance.objectNode();
            details.put("status", status);
            String message;
            if (detail != null && detail.isArray()) {
                details.set("errors", detail);
                message = "Invalid request";
            } else if (detail != null && detail.isString()) {
                message = detail.stringValue();
            } else {
                message = body == null || body.isBlank() ? "HTTP " + status : body.strip();
            }
            ErrorCode code = switch (status) {
                case 400, 422 -> ErrorCode.VALIDATION_ERROR;
                case 503 -> ErrorCode.CAPACITY_REACHED;
                default -> ErrorCode.EXECUTION_ERROR;
            };
            return new Error(code, code.wire(), message, details);
        }

        /** {@link #details()} as plain Java values. */
        public Map<String, Object> detailValues() {
            Map<String, Object> out = new LinkedHashMap<>();
            for (var e : details.properties()) {
                out.put(e.getKey(), WireCodec.standard().toPlain(e.getValue()));
            }
            return out;
        }
    }

    /** The {@code type} member of this message. */
    default String type() {
        return switch (this) {
            case Observation m -> "observation";
            case State m -> "state";
            case Mcp m -> "mcp";
            case Error m -> "error";
        };
    }

    /** The frame as JSON. */
    default ObjectNode toJson() {
        ObjectNode frame = JsonNodeFactory.instance.objectNode();
        frame.put("type", type());
        switch (this) {
            case Observation m -> frame.set("data", m.envelope());
            case State m -> frame.set("data", m.state());
            case Mcp m -> frame.set("data", m.response());
            case Error m -> {
                ObjectNode data = frame.putObject("data");
                data.put("message", m.message());
                data.put("code", m.rawCode());
                data.setAll(m.details());
            }
        }
        return frame;
    }

    /**
     * Reads a frame the server sent, leniently (a reply of an unknown type is an {@link Error} with code
     * {@link ErrorCode#UNKNOWN}, so a client can report it rather than hang).
     */
    static ServerMessage parse(JsonNode frame) {
        String type = frame.path("type").asString("");
        JsonNode data = frame.path("data");
        return switch (type) {
            case "observation" -> new Observation(data.isObject() ? (ObjectNode) data : JsonNodeFactory.instance.objectNode());
            case "state" -> new State(data);
            case "mcp" -> new Mcp(data);
            case "error" -> {
                String raw = data.path("code").asString("UNKNOWN");
                String message = data.path("message").asString("Unknown error");
                ObjectNode details = JsonNodeFactory.instance.objectNode();
                for (var e : data.properties()) {
                    if (!e.getKey().equals("code") && !e.getKey().equals("message")) {
                        details.set(e.getKey(), e.getValue());
                    }
                }
                yield new Error(ErrorCode.fromWire(raw).orElse(ErrorCode.UNKNOWN), raw, message, details);
            }
            default -> new Error(ErrorCode.UNKNOWN, "UNKNOWN", "Unexpected frame from server: " + frame, JsonNodeFactory.instance.objectNode());
        };
    }
}
