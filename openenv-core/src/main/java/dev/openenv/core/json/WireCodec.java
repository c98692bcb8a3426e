package dev.openenv.core.json;

import dev.openenv.core.StepResult;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns protocol values into JSON and back exactly as the Python reference does.
 *
 * <ul>
 *   <li>Record components travel in snake_case, in declaration order; {@code null}s are written.</li>
 *   <li>A {@link StepResult} becomes the envelope {@code {"observation":{…},"reward":r,"done":d}}, with a
 *       top-level {@code "metadata"} only when non-empty (what the reference does since PR #805).</li>
 *   <li>Non-finite numbers are written as {@code null}, never as {@code NaN}.</li>
 *   <li>Actions are bound with the reference's validation rules; see {@link #decode}.</li>
 *   <li>A tree too deep to write (Jackson writes no deeper than it reads, 500 levels, but an invalid input is
 *       echoed back in its error a few levels deeper) is written with what lies past 400
 *       levels as {@code null}, rather than failing the reply.</li>
 * </ul>
 * Thread-safe; share one instance.
 */
public final class WireCodec {
    private static final WireCodec STANDARD = new WireCodec();
    /** How deep a tree too deep to write is cut (see {@link #write}): well inside Jackson's 500 levels. */
    static final int CUT_DEPTH = 400;

    private final JsonMapper mapper;
    private final RecordBinder binder;

    private WireCodec() {
        SimpleModule finite = new SimpleModule("openenv-finite-numbers");
        ValueSerializer<Double> doubles = new ValueSerializer<>() {
            @Override
            public void serialize(Double value, JsonGenerator gen, SerializationContext ctxt) {
                if (value.isNaN() || value.isInfinite()) {
                    gen.writeNull();
                } else {
                    gen.writeNumber(value);
                }
            }
        };
        finite.addSerializer(Double.class, doubles);
        finite.addSerializer(double.class, doubles);
        this.mapper = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .addModule(finite)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        this.binder = new RecordBinder(mapper);
    }

    /** The shared codec. */
    public static WireCodec standard() {
        return STANDARD;
    }

    /** The underlying Jackson mapper, configured for the wire (snake_case, finite numbers). */
    public JsonMapper mapper() {
        return mapper;
    }

    /**
     * Parses JSON text.
     *
     * @throws MalformedJsonException with the position and reason when the text is not JSON
     */
    public JsonNode parse(String text) {
        try {
            JsonNode node = mapper.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new MalformedJsonException("Expecting value", 0);
            }
            return node;
        } catch (JacksonException e) {
            long offset = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getCharOffset());
            throw new MalformedJsonException(e.getOriginalMessage(), offset);
        }
    }

    /** Parses JSON bytes (UTF-8). */
    public JsonNode parse(byte[] utf8) {
        return parse(new String(utf8, java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Binds a JSON object to a record type with the reference's validation rules.
     *
     * @throws ActionValidationException listing every failure with its location
     */
    public <T> T decode(JsonNode json, Class<T> type) {
        return binder.bind(json, type);
    }

    /** Any value as a JSON tree (records in snake_case). */
    public JsonNode toTree(Object value) {
        return mapper.valueToTree(value);
    }

    /**
     * Any value as compact JSON text. A JSON tree deeper than the writer allows is cut (see the class comment):
     * an action nested just under the reader's limit, refused, came back in its error frame or 422 a few levels
     * deeper, and writing that threw (the WebSocket closed with 1011, HTTP answered 500); found by the fuzz tests.
     */
    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (StreamConstraintsException tooDeep) {
            if (value instanceof JsonNode tree) {
                return mapper.writeValueAsString(cut(tree, CUT_DEPTH));
            }
            throw tooDeep;
        }
    }

    /** Any value as compact UTF-8 JSON; a tree too deep is cut as by {@link #write}. */
    public byte[] writeBytes(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (StreamConstraintsException tooDeep) {
            if (value instanceof JsonNode tree) {
                return mapper.writeValueAsBytes(cut(tree, CUT_DEPTH));
            }
            throw tooDeep;
        }
    }

    /** {@code node} with every container {@code levels} deep replaced by {@code null}. */
    private static JsonNode cut(JsonNode node, int levels) {
        if (!node.isContainer()) {
            return node;
        }
        if (levels == 0) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> copy.add(cut(item, levels - 1)));
            return copy;
        }
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        for (var e : node.properties()) {
            copy.set(e.getKey(), cut(e.getValue(), levels - 1));
        }
        return copy;
    }

    /** A plain Java value (maps, lists, strings, numbers) read from a tree. */
    public Object toPlain(JsonNode node) {
        return mapper.treeToValue(node, Object.class);
    }

    /**
     * The observation envelope of a step or reset result, in 0.10's shape: the result's metadata inside
     * the observation (first, {@code {}} when empty, as the reference's observation models carry it) and
     * copied to the envelope when not empty. An observation with its own {@code metadata} keeps it.
     */
    public ObjectNode envelope(StepResult<?> result) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        JsonNode fields = toTree(result.observation());
        ObjectNode observation = JsonNodeFactory.instance.objectNode();
        if (!(fields.isObject() && fields.has("metadata"))) {
            observation.set("metadata", toTree(result.metadata()));
        }
        if (fields.isObject()) {
            observation.setAll((ObjectNode) fields);
        }
        out.set("observation", observation);
        Double reward = result.reward();
        if (reward == null || reward.isNaN() || reward.isInfinite()) {
            out.putNull("reward");
        } else {
            out.put("reward", reward.doubleValue());
        }
        out.put("done", result.done());
        if (!result.metadata().isEmpty()) {
            out.set("metadata", toTree(result.metadata()));
        }
        return out;
    }

    /** A list of validation errors as the reference's JSON list. */
    public ArrayNode errors(List<ValidationError> errors, boolean withUrl) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (ValidationError e : errors) {
            ObjectNode o = list.addObject();
            o.put("type", e.type());
            ArrayNode loc = o.putArray("loc");
            for (Object part : e.loc()) {
                if (part instanceof Integer i) {
                    loc.add(i);
                } else if (part instanceof Long l) {
                    loc.add(l);
                } else {
                    loc.add(String.valueOf(part));
                }
            }
            o.put("msg", e.msg());
            o.set("input", e.input());
            if (!e.ctx().isEmpty()) {
                o.set("ctx", toTree(e.ctx()));
            }
            if (withUrl) {
                o.put("url", e.url());
            }
        }
        return list;
    }

    /** A state-like map of key/values as JSON. */
    public ObjectNode object(Map<String, ?> values) {
        return (ObjectNode) mapper.valueToTree(values);
    }
}
