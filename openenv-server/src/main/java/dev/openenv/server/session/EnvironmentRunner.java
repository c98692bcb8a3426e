package dev.openenv.server.session;

import dev.openenv.core.Action;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.StepResult;
import dev.openenv.core.json.ActionValidationException;
import dev.openenv.core.json.ValidationError;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.mcp.McpAction;
import dev.openenv.core.mcp.McpActions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls one session's environment with wire values: decodes the action, applies the step budget,
 * encodes the result. Every method must run on the session's thread (inside {@link Session#submit}).
 */
public final class EnvironmentRunner {
    private final EnvironmentType<?, ?, ?> type;
    private final WireCodec codec;

    public EnvironmentRunner(EnvironmentType<?, ?, ?> type, WireCodec codec) {
        this.type = type;
        this.codec = codec;
    }

    public EnvironmentType<?, ?, ?> type() {
        return type;
    }

    /** Arguments of a reset taken from a JSON object: {@code seed}, {@code episode_id}, and the rest. */
    public record ResetArguments(Long seed, String episodeId, Map<String, Object> options) {
        public static final ResetArguments NONE = new ResetArguments(null, null, Map.of());

        /**
         * Reads reset arguments the lax way the reference's environments do.
         *
         * @throws ActionValidationException when {@code seed} is not an integer or {@code episode_id} not a string
         */
        public static ResetArguments from(JsonNode data, WireCodec codec) {
            if (data == null || data.isNull() || data.isEmpty()) {
                return NONE;
            }
            Long seed = null;
            String episodeId = null;
            Map<String, Object> options = new LinkedHashMap<>();
            List<ValidationError> errors = new java.util.ArrayList<>();
            for (var e : data.properties()) {
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                    case "seed" -> seed = v.isNull() ? null : seed(v, errors);
                    case "episode_id" -> {
                        if (v.isString()) {
                            episodeId = v.stringValue();
                        } else if (!v.isNull()) {
                            errors.add(new ValidationError("string_type", List.of("episode_id"), "Input should be a valid string", v, null));
                        }
                    }
                    default -> options.put(e.getKey(), codec.toPlain(v));
                }
            }
            if (!errors.isEmpty()) {
                throw new ActionValidationException(errors);
            }
            return new ResetArguments(seed, episodeId, options);
        }

        private static Long seed(JsonNode v, List<ValidationError> errors) {
            if (v.isIntegralNumber() && v.canConvertToLong()) {
                return v.longValue();
            }
            if (v.isBoolean()) {
                return v.booleanValue() ? 1L : 0L;
            }
            if (v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue()) && Math.abs(v.doubleValue()) < 9.0e18) {
                return (long) v.doubleValue();
            }
            if (v.isString()) {
                try {
                    return Long.parseLong(v.stringValue().strip());
                } catch (NumberFormatException ignored) {
                    errors.add(new ValidationError("int_parsing", List.of("seed"),
                            "Input should be a valid integer, unable to parse string as an integer", v, null));
                    return null;
                }
            }
            errors.add(new ValidationError(v.isNumber() ? "int_from_float" : "int_type", List.of("seed"),
                    v.isNumber() ? "Input should be a valid integer, got a number with a fractional part"
                            : "Input should be a valid integer", v, null));
            return null;
        }
    }

    /** Decodes an action for this environment. */
    public Action decodeAction(JsonNode json) {
        if (type.actionType() == McpAction.class) {
            return McpActions.decode(json, codec);
        }
        return codec.decode(json, type.actionType());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public ObjectNode reset(Session session, ResetArguments args) {
        Environment env = session.environment();
        StepResult<?> result = env.reset(args.seed(), args.episodeId(), args.options());
        return codec.envelope(result);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public ObjectNode step(Session session, Action action, Duration budget) throws Exception {
        Environment env = session.environment();
        StepResult<?> result = session.withBudget(budget,
                () -> budget == null ? env.step(action) : env.step(action, budget));
        return codec.envelope(result);
    }

    public JsonNode state(Session session) {
        return codec.toTree(session.environment().state());
    }

    public JsonNode metadata(Session session) {
        return codec.toTree(session.environment().metadata());
    }
}
