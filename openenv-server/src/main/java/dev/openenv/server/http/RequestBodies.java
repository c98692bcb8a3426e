package dev.openenv.server.http;

import dev.openenv.core.json.MalformedJsonException;
import dev.openenv.core.json.ValidationError;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.protocol.ClientMessage;
import dev.openenv.core.protocol.Failure;
import dev.openenv.core.protocol.ProtocolException;
import io.helidon.webserver.http.ServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Where HTTP request bodies are parsed and validated, with the reference's (FastAPI's) rules and
 * error shapes: malformed JSON is {@code json_invalid}, a non-JSON content type or a non-object body is
 * {@code model_attributes_type}, field errors carry {@code loc} starting with {@code "body"}.
 */
final class RequestBodies {
    private static final List<Object> BODY = List.of("body");

    /** A validated {@code POST /step} body. */
    record StepBody(JsonNode action, Duration timeout, String requestId) {}

    private final WireCodec codec;

    RequestBodies(WireCodec codec) {
        this.codec = codec;
    }

    /** The body as JSON, or {@code null} when there is none. */
    JsonNode json(ServerRequest request) {
        if (!request.content().hasEntity()) {
            return null;
        }
        byte[] bytes = request.content().as(byte[].class);
        if (bytes.length == 0) {
            return null;
        }
        var contentType = request.headers().contentType();
        if (contentType.isPresent() && !isJson(contentType.get().mediaType().text())) {
            // FastAPI does not parse non-JSON bodies; they reach validation as a string.
            throw invalid(new ValidationError("model_attributes_type", BODY,
                    "Input should be a valid dictionary or object to extract fields from",
                    JsonNodeFactory.instance.stringNode(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)), null));
        }
        try {
            return codec.parse(bytes);
        } catch (MalformedJsonException e) {
            throw invalid(new ValidationError("json_invalid", List.of("body", e.offset()),
                    "JSON decode error", JsonNodeFactory.instance.objectNode(), Map.of("error", e.reason())));
        }
    }

    private static ProtocolException invalid(ValidationError error) {
        return Failure.raise(new Failure.InvalidBody(List.of(error)));
    }

    private static boolean isJson(String mediaType) {
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    /** Validates a {@code POST /reset} body: optional; {@code seed} an integer >= 0; {@code episode_id} at most 255 characters. */
    ResetRequest reset(JsonNode body) {
        if (body == null || body.isNull()) {
            return ResetRequest.none();
        }
        requireObject(body);
        List<ValidationError> errors = new ArrayList<>();
        ResetRequest args = null;
        try {
            args = ClientMessage.decodeRequest(body, codec);
        } catch (ProtocolException e) {
            if (!(e.failure() instanceof Failure.Invalid invalid)) {
                throw e;
            }
            invalid.errors().forEach(err -> errors.add(err.under(BODY)));
        }
        JsonNode seed = body.get("seed");
        if (args != null && args.seed() != null && args.seed() < 0) {
            errors.add(new ValidationError("greater_than_equal", List.of("body", "seed"),
                    "Input should be greater than or equal to 0", seed, Map.of("ge", 0)));
        }
        checkLength(body, "episode_id", errors);
        if (!errors.isEmpty()) {
            throw Failure.raise(new Failure.InvalidBody(errors));
        }
        return args;
    }

    /** Validates a {@code POST /step} body: {@code action} an object; {@code timeout_s} > 0; {@code request_id} at most 255 characters. */
    StepBody step(JsonNode body) {
        if (body == null) {
            throw invalid(new ValidationError("missing", BODY, "Field required",
                    JsonNodeFactory.instance.nullNode(), null));
        }
        requireObject(body);
        List<ValidationError> errors = new ArrayList<>();
        JsonNode action = body.get("action");
        if (action == null) {
            errors.add(new ValidationError("missing", List.of("body", "action"), "Field required", body, null));
        } else if (!action.isObject()) {
            errors.add(new ValidationError("dict_type", List.of("body", "action"), "Input should be a valid dictionary", action, null));
        }
        Duration timeout = null;
        JsonNode t = body.get("timeout_s");
        if (t != null && !t.isNull()) {
            Double seconds = t.isNumber() ? Double.valueOf(t.doubleValue()) : parseDouble(t);
            if (seconds == null) {
                errors.add(new ValidationError("float_parsing", List.of("body", "timeout_s"),
                        "Input should be a valid number, unable to parse string as a number", t, null));
            } else if (!(seconds > 0)) {
                errors.add(new ValidationError("greater_than", List.of("body", "timeout_s"),
                        "Input should be greater than 0", t, Map.of("gt", 0.0)));
            } else {
                timeout = Duration.ofNanos((long) Math.min(seconds * 1e9, Long.MAX_VALUE / 2.0));
            }
        }
        JsonNode requestId = body.get("request_id");
        if (requestId != null && !requestId.isNull() && !requestId.isString()) {
            errors.add(new ValidationError("string_type", List.of("body", "request_id"), "Input should be a valid string", requestId, null));
        }
        checkLength(body, "request_id", errors);
        if (!errors.isEmpty()) {
            throw Failure.raise(new Failure.InvalidBody(errors));
        }
        return new StepBody(action, timeout, requestId == null || requestId.isNull() ? null : requestId.asString());
    }

    private static Double parseDouble(JsonNode t) {
        if (t.isBoolean()) {
            return t.booleanValue() ? 1.0 : 0.0;
        }
        if (t.isString()) {
            try {
                return Double.valueOf(t.stringValue().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** A validated Task API body ({@code split}, and {@code index} or {@code start}/{@code stop} where the route takes them). */
    record TaskQuery(String split, Integer index, Integer start, Integer stop) {}

    /**
     * Validates a Task API body as 0.10's request models do: an object, {@code split} a required string,
     * {@code index} a required integer when {@code indexed}, {@code start}/{@code stop} optional
     * integers when {@code ranged}, nothing else.
     */
    TaskQuery task(JsonNode body, boolean indexed, boolean ranged) {
        if (body == null) {
            throw invalid(new ValidationError("missing", BODY, "Field required", JsonNodeFactory.instance.nullNode(), null));
        }
        requireObject(body);
        List<ValidationError> errors = new ArrayList<>();
        java.util.Set<String> allowed = new java.util.HashSet<>(List.of("split"));
        if (indexed) {
            allowed.add("index");
        }
        if (ranged) {
            allowed.addAll(List.of("start", "stop"));
        }
        for (var e : body.properties()) {
            if (!allowed.contains(e.getKey())) {
                errors.add(new ValidationError("extra_forbidden", List.of("body", e.getKey()), "Extra inputs are not permitted", e.getValue(), null));
            }
        }
        JsonNode split = body.get("split");
        if (split == null) {
            errors.add(new ValidationError("missing", List.of("body", "split"), "Field required", body, null));
        } else if (!split.isString()) {
            errors.add(new ValidationError("string_type", List.of("body", "split"), "Input should be a valid string", split, null));
        }
        Integer index = indexed ? integer(body, "index", true, errors) : null;
        Integer start = ranged ? integer(body, "start", false, errors) : null;
        Integer stop = ranged ? integer(body, "stop", false, errors) : null;
        if (!errors.isEmpty()) {
            throw Failure.raise(new Failure.InvalidBody(errors));
        }
        return new TaskQuery(split.stringValue(), index, start, stop);
    }

    /** An integer member read with the one lenient int reader of the protocol (that of reset's {@code index}). */
    private Integer integer(JsonNode body, String field, boolean required, List<ValidationError> errors) {
        JsonNode v = body.get(field);
        if (v != null && v.isNull() && required) {
            errors.add(new ValidationError("int_type", List.of("body", field), "Input should be a valid integer", v, null));
            return null;
        }
        if (v == null || v.isNull()) {
            if (required) {
                errors.add(new ValidationError("missing", List.of("body", field), "Field required", body, null));
            }
            return null;
        }
        try {
            return ClientMessage.decodeRequest(JsonNodeFactory.instance.objectNode().set("index", v), codec).index();
        } catch (ProtocolException e) {
            if (!(e.failure() instanceof Failure.Invalid invalid)) {
                throw e;
            }
            invalid.errors().forEach(err -> errors.add(new ValidationError(err.type(), List.of("body", field), err.msg(), err.input(), err.ctx())));
            return null;
        }
    }

    private static void requireObject(JsonNode body) {
        if (!body.isObject()) {
            throw invalid(new ValidationError("model_attributes_type", BODY,
                    "Input should be a valid dictionary or object to extract fields from", body, null));
        }
    }

    private static void checkLength(JsonNode body, String field, List<ValidationError> errors) {
        JsonNode v = body.get(field);
        if (v != null && v.isString() && v.stringValue().codePointCount(0, v.stringValue().length()) > 255) {
            errors.add(new ValidationError("string_too_long", List.of("body", field),
                    "String should have at most 255 characters", v, Map.of("max_length", 255)));
        }
    }
}
