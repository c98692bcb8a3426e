package dev.openenv.core.json;

import dev.openenv.core.Bounds;
import dev.openenv.core.Default;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Binds JSON to records with the reference's validation rules (pydantic "lax" mode): every failure is
 * collected with its location instead of stopping at the first one, unknown fields are refused, and
 * the coercions pydantic allows ({@code "42"} or {@code 42.0} for an int, {@code "true"} for a bool)
 * are allowed, the others ({@code 1.5} for an int, a number for a string) are not.
 */
final class RecordBinder {
    /** Marker for a value that failed to bind; its errors are already collected. */
    static final Object INVALID = new Object();

    private final JsonMapper mapper;
    private final Map<Class<?>, RecordModel> models = new ConcurrentHashMap<>();

    RecordBinder(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** Wire name of a record component: its {@code @JsonProperty} or its name in snake_case. */
    static String wireName(RecordComponent c) {
        return WireNames.of(c.getName(), c, c.getAccessor());
    }

    <T> T bind(JsonNode node, Class<T> type) {
        List<ValidationError> errors = new ArrayList<>();
        Object value = convert(node, type, new ArrayList<>(), errors, true);
        if (!errors.isEmpty() || value == INVALID) {
            throw new ActionValidationException(errors);
        }
        return type.cast(value);
    }

    private record Field(RecordComponent component, String name, Type type, JsonNode defaultValue, Bounds bounds) {}

    private record RecordModel(Constructor<?> constructor, List<Field> fields, Set<String> names, boolean hasMetadata) {}

    private RecordModel model(Class<?> type) {
        return models.computeIfAbsent(type, t -> {
            var fields = new ArrayList<Field>();
            var names = new LinkedHashSet<String>();
            boolean hasMetadata = false;
            Class<?>[] ctorTypes = new Class<?>[t.getRecordComponents().length];
            int i = 0;
            for (RecordComponent c : t.getRecordComponents()) {
                ctorTypes[i++] = c.getType();
                Default d = c.getAnnotation(Default.class);
                if (d == null) {
                    d = c.getAccessor().getAnnotation(Default.class);
                }
                String name = wireName(c);
                hasMetadata |= name.equals("metadata");
                JsonNode def = d == null ? null : mapper.readTree(d.value());
                Bounds bounds = c.getAnnotation(Bounds.class);
                if (bounds == null) {
                    bounds = c.getAccessor().getAnnotation(Bounds.class);
                }
                fields.add(new Field(c, name, c.getGenericType(), def, bounds));
                names.add(name);
            }
            try {
                Constructor<?> ctor = t.getDeclaredConstructor(ctorTypes);
                ctor.setAccessible(true);
                return new RecordModel(ctor, List.copyOf(fields), Set.copyOf(names), hasMetadata);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("cannot bind record " + t.getName() + ": " + e.getMessage(), e);
            }
        });
    }

    private Object bindRecord(JsonNode node, Class<?> type, List<Object> loc, List<ValidationError> errors, boolean top) {
        if (!node.isObject()) {
            errors.add(error(top ? "model_attributes_type" : "model_type", loc,
                    top ? "Input should be a valid dictionary or object to extract fields from"
                            : "Input should be a valid dictionary or instance of " + type.getSimpleName(),
                    node, null));
            return INVALID;
        }
        RecordModel model = model(type);
        int before = errors.size();
        Object[] args = new Object[model.fields().size()];
        for (int i = 0; i < args.length; i++) {
            Field f = model.fields().get(i);
            JsonNode v = node.get(f.name());
            List<Object> at = append(loc, f.name());
            if (v == null) {
                if (f.defaultValue() != null) {
                    v = f.defaultValue();
                } else if (f.name().equals("metadata")) {
                    v = JsonNodeFactory.instance.objectNode();
                } else {
                    errors.add(error("missing", at, "Field required", node, null));
                    continue;
                }
            }
            if (v.isNull() && f.defaultValue() != null && f.defaultValue().isNull()) {
                args[i] = null; // Optional[T] = None in the reference
                continue;
            }
            args[i] = convert(v, f.type(), at, errors, false);
            if (f.bounds() != null && args[i] instanceof Number n) {
                BoundsCheck.check(n, f.bounds(), v, at, errors);
            }
        }
        for (var e : node.properties()) {
            String key = e.getKey();
            if (!model.names().contains(key)) {
                if (key.equals("metadata") && top && !model.hasMetadata()) {
                    // Every action accepts the base-class metadata object, declared or not.
                    if (!e.getValue().isObject()) {
                        errors.add(error("dict_type", append(loc, key), "Input should be a valid dictionary", e.getValue(), null));
                    }
                    continue;
                }
                errors.add(error("extra_forbidden", append(loc, key), "Extra inputs are not permitted", e.getValue(), null));
            }
        }
        if (errors.size() > before) {
            return INVALID;
        }
        try {
            return model.constructor().newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            errors.add(error("value_error", loc, "Value error, " + cause.getMessage(), node, Map.of("error", String.valueOf(cause.getMessage()))));
            return INVALID;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    private Object convert(JsonNode node, Type type, List<Object> loc, List<ValidationError> errors, boolean top) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (node.isNull()) {
                return nullOr(node, raw, loc, errors);
            }
            if (List.class.isAssignableFrom(raw) || Set.class.isAssignableFrom(raw)) {
                return convertList(node, p.getActualTypeArguments()[0], loc, errors, Set.class.isAssignableFrom(raw));
            }
            if (Map.class.isAssignableFrom(raw)) {
                return convertMap(node, p.getActualTypeArguments()[1], loc, errors);
            }
            return mapper.treeToValue(node, mapper.getTypeFactory().constructType(type));
        }
        Class<?> c = (Class<?>) type;
        if (c == Object.class) {
            return mapper.treeToValue(node, Object.class);
        }
        if (JsonNode.class.isAssignableFrom(c)) {
            return node;
        }
        if (node.isNull()) {
            return nullOr(node, c, loc, errors);
        }
        if (c == String.class) {
            if (node.isString()) {
                return node.stringValue();
            }
            errors.add(error("string_type", loc, "Input should be a valid string", node, null));
            return INVALID;
        }
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
            BigInteger big = LaxScalars.toInteger(node, loc, errors);
            if (big == null) {
                return INVALID;
            }
            boolean isInt = c == int.class || c == Integer.class;
            if (big.bitLength() > (isInt ? 31 : 63)) {
                errors.add(error(big.signum() < 0 ? "greater_than_equal" : "less_than_equal", loc,
                        "Input should be " + (big.signum() < 0 ? "greater than or equal to " : "less than or equal to ")
                                + (big.signum() < 0 ? (isInt ? Integer.MIN_VALUE : Long.MIN_VALUE) : (isInt ? Integer.MAX_VALUE : Long.MAX_VALUE)),
                        node, null));
                return INVALID;
            }
            return isInt ? (Object) big.intValue() : (Object) big.longValue();
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
            Double d = LaxScalars.toDouble(node, loc, errors);
            if (d == null) {
                return INVALID;
            }
            return c == float.class || c == Float.class ? (Object) d.floatValue() : d;
        }
        if (c == boolean.class || c == Boolean.class) {
            return LaxScalars.toBoolean(node, loc, errors);
        }
        if (c.isEnum()) {
            return LaxScalars.toEnum(node, c, loc, errors);
        }
        if (c.isRecord()) {
            return bindRecord(node, c, loc, errors, top);
        }
        if (List.class.isAssignableFrom(c)) {
            return convertList(node, Object.class, loc, errors, false);
        }
        if (Map.class.isAssignableFrom(c)) {
            return convertMap(node, Object.class, loc, errors);
        }
        try {
            return mapper.treeToValue(node, c);
        } catch (RuntimeException e) {
            errors.add(error("value_error", loc, "Value error, " + e.getMessage(), node, null));
            return INVALID;
        }
    }

    private Object nullOr(JsonNode node, Class<?> c, List<Object> loc, List<ValidationError> errors) {
        if (!c.isPrimitive()) {
            // A null is only welcome where the field defaults to null or is a free-form value.
            if (c == Object.class || JsonNode.class.isAssignableFrom(c)) {
                return null;
            }
        }
        String kind = c == String.class ? "string_type"
                : c == int.class || c == Integer.class || c == long.class || c == Long.class ? "int_type"
                : c == double.class || c == Double.class || c == float.class || c == Float.class ? "float_type"
                : c == boolean.class || c == Boolean.class ? "bool_type"
                : List.class.isAssignableFrom(c) || Set.class.isAssignableFrom(c) ? "list_type"
                : Map.class.isAssignableFrom(c) ? "dict_type" : "model_type";
        String what = switch (kind) {
            case "string_type" -> "a valid string";
            case "int_type" -> "a valid integer";
            case "float_type" -> "a valid number";
            case "bool_type" -> "a valid boolean";
            case "list_type" -> "a valid list";
            case "dict_type" -> "a valid dictionary";
            default -> "a valid dictionary or instance of " + c.getSimpleName();
        };
        errors.add(error(kind, loc, "Input should be " + what, node, null));
        return INVALID;
    }

    private Object convertList(JsonNode node, Type item, List<Object> loc, List<ValidationError> errors, boolean set) {
        if (!node.isArray()) {
            errors.add(error(set ? "set_type" : "list_type", loc, "Input should be a valid " + (set ? "set" : "list"), node, null));
            return INVALID;
        }
        List<Object> out = new ArrayList<>(node.size());
        boolean ok = true;
        for (int i = 0; i < node.size(); i++) {
            Object v = convert(node.get(i), item, append(loc, i), errors, false);
            ok &= v != INVALID;
            out.add(v);
        }
        if (!ok) {
            return INVALID;
        }
        return set ? Set.copyOf(out) : java.util.Collections.unmodifiableList(out);
    }

    private Object convertMap(JsonNode node, Type value, List<Object> loc, List<ValidationError> errors) {
        if (!node.isObject()) {
            errors.add(error("dict_type", loc, "Input should be a valid dictionary", node, null));
            return INVALID;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        boolean ok = true;
        for (var e : node.properties()) {
            Object v = value == Object.class ? mapper.treeToValue(e.getValue(), Object.class)
                    : convert(e.getValue(), value, append(loc, e.getKey()), errors, false);
            ok &= v != INVALID;
            out.put(e.getKey(), v);
        }
        return ok ? java.util.Collections.unmodifiableMap(out) : INVALID;
    }

    private static List<Object> append(List<Object> loc, Object part) {
        var l = new ArrayList<>(loc);
        l.add(part);
        return l;
    }

    static ValidationError error(String type, List<Object> loc, String msg, JsonNode input, Map<String, Object> ctx) {
        return new ValidationError(type, loc, msg, input == null ? JsonNodeFactory.instance.nullNode() : input, ctx);
    }

    static ObjectNode emptyObject() {
        return JsonNodeFactory.instance.objectNode();
    }
}
