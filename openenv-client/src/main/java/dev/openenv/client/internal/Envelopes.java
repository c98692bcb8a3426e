package dev.openenv.client.internal;

import dev.openenv.core.StepResult;
import dev.openenv.core.json.WireCodec;
import java.util.Map;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Reads observation envelopes and states leniently, as the reference's clients do. Not API. */
public final class Envelopes {
    private Envelopes() {}

    /** A value of {@code type} from JSON, ignoring members the type does not declare. */
    public static <T> T read(JsonNode node, Class<T> type) {
        return WireCodec.standard().mapper().readerFor(type)
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .readValue(node);
    }

    /**
     * A step result from an envelope: a missing reward is {@code null}, a boolean reward 1.0/0.0,
     * a missing {@code done} false; metadata from the top level, else from inside the observation.
     */
    @SuppressWarnings("unchecked")
    public static <O> StepResult<O> result(JsonNode envelope, java.util.function.Function<JsonNode, O> observation) {
        JsonNode obs = envelope.path("observation");
        if (!obs.isObject()) {
            obs = JsonNodeFactory.instance.objectNode();
        }
        JsonNode r = envelope.path("reward");
        Double reward = r.isNumber() ? Double.valueOf(r.doubleValue()) : r.isBoolean() ? (r.booleanValue() ? 1.0 : 0.0) : null;
        boolean done = envelope.path("done").asBoolean(false);
        JsonNode meta = envelope.has("metadata") ? envelope.get("metadata") : obs.path("metadata");
        Map<String, Object> metadata = meta.isObject() ? (Map<String, Object>) WireCodec.standard().toPlain(meta) : Map.of();
        return new StepResult<>(observation.apply(obs), reward, done, nonNullValues(metadata));
    }

    private static Map<String, Object> nonNullValues(Map<String, Object> map) {
        var out = new java.util.LinkedHashMap<String, Object>();
        map.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }
}
