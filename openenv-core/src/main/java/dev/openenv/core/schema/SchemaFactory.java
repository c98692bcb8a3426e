package dev.openenv.core.schema;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import dev.openenv.core.Bounds;
import dev.openenv.core.Default;
import dev.openenv.core.EnvironmentType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import dev.openenv.core.json.WireNames;
import dev.openenv.core.mcp.CallToolAction;
import dev.openenv.core.mcp.CallToolObservation;
import dev.openenv.core.mcp.EmptyObservation;
import dev.openenv.core.mcp.ListToolsObservation;
import dev.openenv.core.mcp.McpAction;
import dev.openenv.core.mcp.McpObservation;
import com.github.victools.jsonschema.generator.CustomDefinition;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON Schemas of actions, observations and states, generated from the Java records with victools and
 * laid out the way the reference's pydantic models are: {@code title}s, snake_case properties in
 * declaration order, {@code required} lists, {@code default}s from {@link Default},
 * {@code additionalProperties: false} for actions and observations, the inherited base fields
 * ({@code metadata} on actions; {@code done}, {@code reward}, {@code metadata} on observations).
 * Thread-safe; schemas are generated once per type.
 */
public final class SchemaFactory {
    private static final SchemaFactory STANDARD = new SchemaFactory();

    private final SchemaGenerator generator;
    private final JsonMapper mapper = JsonMapper.builder().build();
    private final Map<Class<?>, ObjectNode> cache = new ConcurrentHashMap<>();

    private SchemaFactory() {
        var config = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
                .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
                .with(Option.DEFINITIONS_FOR_MEMBER_SUPERTYPES)
                .without(Option.SCHEMA_VERSION_INDICATOR);
        config.forFields()
                .withIgnoreCheck(f -> f.getAnnotationConsideringFieldAndGetter(com.fasterxml.jackson.annotation.JsonIgnore.class) != null)
                .withPropertyNameOverrideResolver(SchemaFactory::wireName)
                .withTitleResolver(f -> title(wireName(f)))
                .withDescriptionResolver(f -> {
                    JsonPropertyDescription d = f.getAnnotationConsideringFieldAndGetter(JsonPropertyDescription.class);
                    return d == null ? null : d.value();
                })
                .withRequiredCheck(f -> defaultOf(f) == null && !wireName(f).equals("metadata"))
                .withNullableCheck(f -> {
                    Default d = defaultOf(f);
                    return d != null && d.value().strip().equals("null");
                })
                .withNumberInclusiveMinimumResolver(f -> limit(f, Bounds::ge))
                .withNumberExclusiveMinimumResolver(f -> limit(f, Bounds::gt))
                .withNumberInclusiveMaximumResolver(f -> limit(f, Bounds::le))
                .withNumberExclusiveMaximumResolver(f -> limit(f, Bounds::lt))
                .withDefaultResolver(f -> {
                    Default d = defaultOf(f);
                    return d == null ? null : mapper.readTree(d.value());
                });
        config.forTypesInGeneral()
                .withTitleResolver(scope -> scope.getType().getErasedType().isRecord()
                        || scope.getType().getErasedType().isEnum() ? scope.getType().getErasedType().getSimpleName() : null)
                .withDescriptionResolver(scope -> {
                    JsonClassDescription d = scope.getType().getErasedType().getAnnotation(JsonClassDescription.class);
                    return d == null ? null : d.value();
                })
                .withPropertySorter((a, b) -> 0)
                // A free-form JSON value (e.g. a tool's result) is any JSON; a map is an open object; an
                // enum is the values it is written as (its @JsonValue, e.g. lower case), not its constant names.
                .withCustomDefinitionProvider((javaType, context) -> {
                    Class<?> erased = javaType.getErasedType();
                    if (JsonNode.class.isAssignableFrom(erased)) {
                        return new CustomDefinition(context.getGeneratorConfig().createObjectNode(),
                                CustomDefinition.DefinitionType.INLINE, CustomDefinition.AttributeInclusion.NO);
                    }
                    if (Map.class.isAssignableFrom(erased)) {
                        ObjectNode map = context.getGeneratorConfig().createObjectNode().put("type", "object");
                        map.set("additionalProperties", mapValues(javaType.getTypeParameters()));
                        return new CustomDefinition(map, CustomDefinition.DefinitionType.INLINE, CustomDefinition.AttributeInclusion.NO);
                    }
                    if (erased.isEnum()) {
                        ObjectNode e = context.getGeneratorConfig().createObjectNode().put("type", "string");
                        var values = e.putArray("enum");
                        for (Object constant : erased.getEnumConstants()) {
                            values.add(dev.openenv.core.json.WireCodec.standard().toTree(constant).asString());
                        }
                        e.put("title", erased.getSimpleName());
                        return new CustomDefinition(e, CustomDefinition.DefinitionType.INLINE, CustomDefinition.AttributeInclusion.NO);
                    }
                    return null;
                });
        this.generator = new SchemaGenerator(config.build());
    }

    /** {@code additionalProperties} of a map: any JSON, or the JSON type of simple values. */
    private static JsonNode mapValues(List<com.fasterxml.classmate.ResolvedType> params) {
        Class<?> value = params.size() == 2 ? params.get(1).getErasedType() : Object.class;
        String type = value == String.class ? "string"
                : value == Integer.class || value == Long.class ? "integer"
                : value == Double.class || value == Float.class ? "number"
                : value == Boolean.class ? "boolean" : null;
        return type == null ? JsonNodeFactory.instance.booleanNode(true) : JsonNodeFactory.instance.objectNode().put("type", type);
    }

    private static java.math.BigDecimal limit(FieldScope f, java.util.function.ToDoubleFunction<Bounds> which) {
        Bounds b = f.getAnnotationConsideringFieldAndGetter(Bounds.class);
        if (b == null || Double.isNaN(which.applyAsDouble(b))) {
            return null;
        }
        double v = which.applyAsDouble(b);
        Class<?> t = f.getType().getErasedType();
        boolean integral = t == int.class || t == Integer.class || t == long.class || t == Long.class;
        // 0 for an int field, 0.0 for a float one, as pydantic writes them.
        return integral && v == Math.rint(v) ? java.math.BigDecimal.valueOf((long) v) : java.math.BigDecimal.valueOf(v);
    }

    public static SchemaFactory standard() {
        return STANDARD;
    }

    /** The schema of an action type, with the base {@code metadata} property every action accepts. */
    public ObjectNode actionSchema(Class<?> type) {
        ObjectNode schema = generate(type);
        ObjectNode props = JsonNodeFactory.instance.objectNode();
        props.set("metadata", metadataProperty("Additional metadata for the action"));
        props.setAll(properties(schema));
        schema.set("properties", props);
        return schema;
    }

    /** The schema of an observation type, with the base {@code done}, {@code reward}, {@code metadata}. */
    public ObjectNode observationSchema(Class<?> type) {
        ObjectNode schema = generate(type);
        ObjectNode props = JsonNodeFactory.instance.objectNode();
        ObjectNode done = props.putObject("done");
        done.put("default", false).put("description", "Whether the episode has terminated").put("title", "Done").put("type", "boolean");
        ObjectNode reward = props.putObject("reward");
        var any = reward.putArray("anyOf");
        for (String t : new String[] {"boolean", "integer", "number", "null"}) {
            any.addObject().put("type", t);
        }
        reward.putNull("default");
        reward.put("description", "Reward signal from the last action").put("title", "Reward");
        props.set("metadata", metadataProperty("Additional metadata for the observation"));
        props.setAll(properties(schema));
        schema.set("properties", props);
        return schema;
    }

    /** The schema of a state type; states allow extra properties, as the reference's do. */
    public ObjectNode stateSchema(Class<?> type) {
        ObjectNode schema = generate(type);
        schema.put("additionalProperties", true);
        if (type == dev.openenv.core.BasicState.class) {
            schema.put("title", "State"); // the reference's base class
        }
        return schema;
    }

    /**
     * The schemas of an environment, as {@code GET /schema} returns them: {@code action},
     * {@code observation}, {@code state}, and {@code reset_observation} (what reset answers; the
     * reference added it in 0.8, older clients ignore it).
     */
    public ObjectNode environmentSchema(EnvironmentType<?, ?, ?> type) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (type.actionType() == McpAction.class) {
            out.set("action", mcpActionSchema());
        } else {
            out.set("action", actionSchema(type.actionType()));
        }
        ObjectNode observation = type.observationType() == McpObservation.class ? mcpObservationSchema() : observationSchema(type.observationType());
        out.set("observation", observation);
        out.set("state", stateSchema(type.stateType()));
        ObjectNode resetObservation = observation.deepCopy();
        if (type.observationType() == McpObservation.class) {
            // An MCP environment resets to a plain observation: no tool call was made.
            resetObservation = observationSchema(EmptyObservation.class);
            resetObservation.put("title", "Observation");
        }
        out.set("reset_observation", resetObservation);
        return out;
    }

    /**
     * An MCP environment's actions: laid out as the reference's {@code CallToolAction} (its properties are
     * what form builders read), and also true of {@code list_tools}: {@code type} names both, and
     * {@code tool_name} is required unless the type is {@code list_tools}.
     */
    private ObjectNode mcpActionSchema() {
        ObjectNode schema = actionSchema(CallToolAction.class);
        ObjectNode typeProperty = (ObjectNode) schema.path("properties").path("type");
        typeProperty.putArray("enum").add("call_tool").add("list_tools");
        schema.putArray("required");
        ObjectNode listTools = schema.putObject("if");
        listTools.putObject("properties").putObject("type").put("const", "list_tools");
        listTools.putArray("required").add("type");
        schema.putObject("then").putObject("properties").set("tool_name", JsonNodeFactory.instance.booleanNode(false));
        schema.putObject("else").putArray("required").add("tool_name");
        return schema;
    }

    /** An MCP environment's step observations: a tool call's ({@code tool_name}, …) or a listing's ({@code tools}). */
    private ObjectNode mcpObservationSchema() {
        ObjectNode schema = observationSchema(CallToolObservation.class);
        ObjectNode listing = observationSchema(ListToolsObservation.class);
        ((ObjectNode) schema.get("properties")).set("tools", listing.path("properties").path("tools"));
        if (listing.has("$defs")) {
            ObjectNode defs = schema.has("$defs") ? (ObjectNode) schema.get("$defs") : schema.putObject("$defs");
            defs.setAll((ObjectNode) listing.get("$defs"));
        }
        schema.putArray("required");
        var oneOf = schema.putArray("oneOf");
        oneOf.addObject().putArray("required").add("tool_name");
        oneOf.addObject().putArray("required").add("tools");
        return schema;
    }

    /** The schema of any type, with no base properties added. */
    public ObjectNode schemaOf(Class<?> type) {
        return generate(type);
    }

    private ObjectNode generate(Class<?> type) {
        ObjectNode cached = cache.computeIfAbsent(type, t -> {
            ObjectNode s = (ObjectNode) mapper.readTree(generator.generateSchema(t).toString());
            if (!s.has("title")) {
                s.put("title", t.getSimpleName());
            }
            flattenAllOf(s);
            nullableAsAnyOf(s);
            return s;
        });
        return cached.deepCopy();
    }

    /**
     * victools writes a property whose type has its own title as {@code allOf: [type, {title, description}]};
     * pydantic (and form generators) expect one object, so the parts are merged, the field's words winning.
     */
    private static void flattenAllOf(JsonNode node) {
        if (node instanceof ObjectNode o) {
            JsonNode allOf = o.get("allOf");
            if (allOf != null && allOf.isArray() && allOf.size() > 0) {
                boolean simple = true;
                for (JsonNode part : allOf) {
                    simple &= part.isObject();
                }
                if (simple) {
                    o.remove("allOf");
                    ObjectNode merged = JsonNodeFactory.instance.objectNode();
                    allOf.forEach(part -> merged.setAll((ObjectNode) part));
                    merged.setAll(o);
                    o.removeAll();
                    o.setAll(merged);
                }
            }
            o.values().forEach(SchemaFactory::flattenAllOf);
        } else if (node != null && node.isArray()) {
            node.forEach(SchemaFactory::flattenAllOf);
        }
    }

    /**
     * victools writes an optional value as {@code "type": ["string", "null"]}; pydantic writes
     * {@code anyOf: [{"type": "string"}, {"type": "null"}]}, which is what Python-side tools expect.
     */
    private static void nullableAsAnyOf(JsonNode node) {
        if (node instanceof ObjectNode o) {
            JsonNode type = o.get("type");
            if (type != null && type.isArray() && type.size() == 2 && type.get(1).asString().equals("null")) {
                ObjectNode first = JsonNodeFactory.instance.objectNode();
                first.put("type", type.get(0).asString());
                for (String key : java.util.List.copyOf(o.propertyNames())) {
                    if (!key.equals("type") && !key.equals("title") && !key.equals("description") && !key.equals("default")) {
                        first.set(key, o.remove(key));
                    }
                }
                o.remove("type");
                var any = o.putArray("anyOf");
                any.add(first);
                any.addObject().put("type", "null");
            }
            o.values().forEach(SchemaFactory::nullableAsAnyOf);
        } else if (node != null && node.isArray()) {
            node.forEach(SchemaFactory::nullableAsAnyOf);
        }
    }

    private static ObjectNode properties(ObjectNode schema) {
        JsonNode p = schema.get("properties");
        return p instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
    }

    private static ObjectNode metadataProperty(String description) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("additionalProperties", true).put("description", description).put("title", "Metadata").put("type", "object");
        return m;
    }

    private static Default defaultOf(FieldScope f) {
        return f.getAnnotationConsideringFieldAndGetter(Default.class);
    }

    private static String wireName(FieldScope f) {
        JsonProperty p = f.getAnnotationConsideringFieldAndGetter(JsonProperty.class);
        return p != null && !p.value().isEmpty() ? p.value() : WireNames.snake(f.getDeclaredName());
    }

    /** {@code legal_actions} → {@code Legal Actions}, as pydantic titles properties. */
    static String title(String wireName) {
        StringBuilder sb = new StringBuilder();
        for (String word : wireName.split("_")) {
            if (word.isEmpty()) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
        }
        return sb.toString();
    }
}
