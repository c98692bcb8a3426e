package dev.openenv.core.protocol;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.json.ValidationError;
import dev.openenv.core.json.WireCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Reads a reset's {@code data} (WebSocket) or body (HTTP) into a {@link ResetRequest}, leniently as the reference's environments do. */
final class ResetDecoder {
    private ResetDecoder() {}

    /**
     * @throws ProtocolException with {@link Failure.Invalid} when {@code seed} or {@code index} is not an
     *                           integer, or {@code episode_id} or {@code split} not a string
     */
    static ResetRequest decode(JsonNode data, WireCodec codec) {
        if (data == null || data.isNull() || data.isEmpty()) {
            return ResetRequest.none();
        }
        Long seed = null;
        Long index = null;
        String episodeId = null;
        String split = null;
        Map<String, Object> options = new LinkedHashMap<>();
        List<ValidationError> errors = new ArrayList<>();
        for (var e : data.properties()) {
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "seed" -> seed = v.isNull() ? null : integer("seed", v, errors);
                case "index" -> index = v.isNull() ? null : integer("index", v, errors);
                case "episode_id" -> episodeId = string("episode_id", v, errors);
                case "split" -> split = string("split", v, errors);
                default -> options.put(e.getKey(), codec.toPlain(v));
            }
        }
        if (index != null && (index < Integer.MIN_VALUE || index > Integer.MAX_VALUE)) {
            errors.add(new ValidationError("int_too_large", List.of("index"), "Input should be a valid 32-bit integer", data.get("index"), null));
        }
        if (!errors.isEmpty()) {
            throw Failure.raise(new Failure.Invalid(errors));
        }
        return new ResetRequest(seed, episodeId, split, index == null ? null : index.intValue(), options);
    }

    private static String string(String key, JsonNode v, List<ValidationError> errors) {
        if (v.isString()) {
            return v.stringValue();
        }
        if (!v.isNull()) {
            errors.add(new ValidationError("string_type", List.of(key), "Input should be a valid string", v, null));
        }
        return null;
    }

    private static Long integer(String key, JsonNode v, List<ValidationError> errors) {
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? 1L : 0L;
        }
        if (v.isNumber()) {
            // Number.doubleValue never throws; Jackson 3's JsonNode.doubleValue does for an integer past the double range.
            double d = v.numberValue().doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 9.0e18) {
                return (long) d;
            }
        }
        if (v.isString()) {
            try {
                return Long.parseLong(v.stringValue().strip());
            } catch (NumberFormatException ignored) {
                errors.add(new ValidationError("int_parsing", List.of(key),
                        "Input should be a valid integer, unable to parse string as an integer", v, null));
                return null;
            }
        }
        errors.add(new ValidationError(v.isNumber() ? "int_from_float" : "int_type", List.of(key),
                v.isNumber() ? "Input should be a valid integer, got a number with a fractional part"
                        : "Input should be a valid integer", v, null));
        return null;
    }
}
