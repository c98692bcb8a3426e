package dev.openenv.core.protocol;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.json.ValidationError;
import dev.openenv.core.json.WireCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A frame a client sends on {@code /ws}: {@code {"type": …, "data": …}}. {@link #parse} is how the
 * server reads one (checking the envelope the way the reference's pydantic models do);
 * {@link #toJson} is how the client writes one.
 */
public sealed interface ClientMessage {

    /** {@code reset}: {@code data} holds {@code seed}, {@code episode_id}, {@code split}, {@code index} and any other reset keys. */
    record Reset(ObjectNode data) implements ClientMessage {

        /** The message asking for {@code request}. */
        public static Reset of(ResetRequest request, WireCodec codec) {
            return new Reset(codec.object(request.toWire()));
        }

        /**
         * What the reset asks for.
         *
         * @throws ProtocolException with {@link Failure.Invalid} when {@code seed}/{@code index} is not an
         *                           integer or {@code episode_id}/{@code split} not a string
         */
        public ResetRequest request(WireCodec codec) {
            return decodeRequest(data, codec);
        }
    }

    /** Reads reset arguments from any JSON object (a {@code reset} frame's data or an HTTP reset body). */
    static ResetRequest decodeRequest(JsonNode data, WireCodec codec) {
        return ResetDecoder.decode(data, codec);
    }

    /** {@code step}: {@code data} is the action. */
    record Step(JsonNode action) implements ClientMessage {}

    /** {@code state}. */
    record State() implements ClientMessage {}

    /** {@code close}: ends the session; the server sends no reply. */
    record Close() implements ClientMessage {}

    /** {@code mcp}: {@code data} is a JSON-RPC request. */
    record Mcp(JsonNode request) implements ClientMessage {}

    /** The {@code type} member of this message. */
    default String type() {
        return switch (this) {
            case Reset m -> "reset";
            case Step m -> "step";
            case State m -> "state";
            case Close m -> "close";
            case Mcp m -> "mcp";
        };
    }

    /** The frame as JSON. */
    default ObjectNode toJson() {
        ObjectNode frame = JsonNodeFactory.instance.objectNode();
        frame.put("type", type());
        switch (this) {
            case Reset m -> frame.set("data", m.data());
            case Step m -> frame.set("data", m.action());
            case Mcp m -> frame.set("data", m.request());
            case State m -> { }
            case Close m -> { }
        }
        return frame;
    }

    /**
     * Reads a parsed frame.
     *
     * @throws ProtocolException with {@link Failure.Invalid} when the envelope is wrong (not an object,
     *                           extra members, {@code data} missing or not an object) or
     *                           {@link Failure.UnknownType} for an unknown {@code type}
     */
    static ClientMessage parse(JsonNode msg) {
        if (!msg.isObject()) {
            throw Failure.raise(new Failure.Invalid(List.of(new ValidationError("model_attributes_type", List.of(),
                    "Input should be a valid dictionary or object to extract fields from", msg, null))));
        }
        JsonNode typeNode = msg.get("type");
        String type = typeNode == null ? "" : typeNode.isString() ? typeNode.stringValue() : typeNode.toString();
        return switch (type) {
            case "reset" -> new Reset(Envelope.data(msg, false));
            case "step" -> new Step(Envelope.data(msg, true));
            case "state" -> {
                Envelope.typeOnly(msg);
                yield new State();
            }
            case "close" -> {
                Envelope.typeOnly(msg);
                yield new Close();
            }
            case "mcp" -> new Mcp(Envelope.data(msg, true));
            default -> throw Failure.raise(new Failure.UnknownType(type));
        };
    }

    /** The envelope rule shared by every type. */
    final class Envelope {
        private static final Set<String> KEYS = Set.of("type", "data");

        private Envelope() {}

        /** {@code state} and {@code close} carry nothing but their type: even an empty {@code data} is extra, as in the reference. */
        static void typeOnly(JsonNode msg) {
            var errors = new ArrayList<ValidationError>();
            for (var e : msg.properties()) {
                if (!e.getKey().equals("type")) {
                    errors.add(new ValidationError("extra_forbidden", List.of(e.getKey()), "Extra inputs are not permitted", e.getValue(), null));
                }
            }
            if (!errors.isEmpty()) {
                throw Failure.raise(new Failure.Invalid(errors));
            }
        }

        static ObjectNode data(JsonNode msg, boolean required) {
            var errors = new ArrayList<ValidationError>();
            JsonNode data = msg.get("data");
            if (data == null && required) {
                errors.add(new ValidationError("missing", List.of("data"), "Field required", msg, null));
            } else if (data != null && !data.isObject() && !(data.isNull() && !required)) {
                errors.add(new ValidationError("dict_type", List.of("data"), "Input should be a valid dictionary", data, null));
            }
            for (var e : msg.properties()) {
                if (!KEYS.contains(e.getKey())) {
                    errors.add(new ValidationError("extra_forbidden", List.of(e.getKey()), "Extra inputs are not permitted", e.getValue(), null));
                }
            }
            if (!errors.isEmpty()) {
                throw Failure.raise(new Failure.Invalid(errors));
            }
            return data == null || data.isNull() ? JsonNodeFactory.instance.objectNode() : (ObjectNode) data;
        }
    }
}
