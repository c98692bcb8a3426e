package dev.openenv.core.json;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.openenv.core.Bounds;
import dev.openenv.core.Default;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
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
    private static final Object INVALID = new Object();

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
            BigInteger big = toInteger(node, loc, errors);
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
            Double d = toDouble(node, loc, errors);
            if (d == null) {
                return INVALID;
            }
            return c == float.class || c == Float.class ? (Object) d.floatValue() : d;
        }
        if (c == boolean.class || c == Boolean.class) {
            return toBoolean(node, loc, errors);
        }
        if (c.isEnum()) {
            return toEnum(node, c, loc, errors);
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

    private BigInteger toInteger(JsonNode node, List<Object> loc, List<ValidationError> errors) {
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? BigInteger.ONE : BigInteger.ZERO;
        }
        if (node.isNumber()) {
            if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
                // 1e400 parses as Infinity, which has no BigDecimal (Jackson 3 throws): pydantic's finite_number.
                errors.add(error("finite_number", loc, "Input should be a finite number", node, null));
                return null;
            }
            BigDecimal d = node.decimalValue().stripTrailingZeros();
            if (d.scale() <= 0) {
                // Past 10^20 every bound here is exceeded, so the exact value is not needed (1E+2000000000 has no
                // BigInteger: toBigIntegerExact throws ArithmeticException).
                return d.precision() - d.scale() > 20 ? BigInteger.TEN.pow(20).multiply(BigInteger.valueOf(d.signum()))
                        : d.toBigIntegerExact();
            }
            errors.add(error("int_from_float", loc, "Input should be a valid integer, got a number with a fractional part", node, null));
            return null;
        }
        if (node.isString()) {
            try {
                return new BigInteger(node.stringValue().strip().replace("_", ""));
            } catch (NumberFormatException e) {
                errors.add(error("int_parsing", loc, "Input should be a valid integer, unable to parse string as an integer", node, null));
                return null;
            }
        }
        errors.add(error("int_type", loc, "Input should be a valid integer", node, null));
        return null;
    }

    private Double toDouble(JsonNode node, List<Object> loc, List<ValidationError> errors) {
        if (node.isNumber()) {
            // Number.doubleValue, not JsonNode.doubleValue: Jackson 3's throws for an integer past the double range.
            double d = node.numberValue().doubleValue();
            if (Double.isInfinite(d) && !(node.isDouble() || node.isFloat())) {
                errors.add(error("finite_number", loc, "Input should be a finite number", node, null));
                return null;
            }
            return d;
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? 1.0 : 0.0;
        }
        if (node.isString()) {
            try {
                return Double.valueOf(node.stringValue().strip());
            } catch (NumberFormatException e) {
                errors.add(error("float_parsing", loc, "Input should be a valid number, unable to parse string as a number", node, null));
                return null;
            }
        }
        errors.add(error("float_type", loc, "Input should be a valid number", node, null));
        return null;
    }

    private Object toBoolean(JsonNode node, List<Object> loc, List<ValidationError> errors) {
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        // canConvertToInt first: Jackson 3's intValue() throws for a long or BigInteger out of the int range.
        if (node.isIntegralNumber() && node.canConvertToInt() && (node.intValue() == 0 || node.intValue() == 1)) {
            return node.intValue() == 1;
        }
        if (node.isString()) {
            switch (node.stringValue().strip().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "1", "yes", "on", "t", "y":
                    return true;
                case "false", "0", "no", "off", "f", "n":
                    return false;
                default:
                    break;
            }
            errors.add(error("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", node, null));
            return INVALID;
        }
        errors.add(error("bool_type", loc, "Input should be a valid boolean", node, null));
        return INVALID;
    }

    private Object toEnum(JsonNode node, Class<?> c, List<Object> loc, List<ValidationError> errors) {
        Object[] constants = c.getEnumConstants();
        List<String> values = new ArrayList<>();
        for (Object constant : constants) {
            String v = enumValue(constant);
            values.add(v);
            if (node.isString() && node.stringValue().equals(v)) {
                return constant;
            }
        }
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                expected.append(i == values.size() - 1 ? " or " : ", ");
            }
            expected.append('\'').append(values.get(i)).append('\'');
        }
        errors.add(error("enum", loc, "Input should be " + expected, node, Map.of("expected", expected.toString())));
        return INVALID;
    }

    /** The wire value of an enum constant: its {@code @JsonValue} method's result, else its name. */
    static String enumValue(Object constant) {
        for (var m : constant.getClass().getDeclaredMethods()) {
            if (m.isAnnotationPresent(JsonValue.class) && m.getParameterCount() == 0) {
                try {
                    m.setAccessible(true);
                    return String.valueOf(m.invoke(constant));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return ((Enum<?>) constant).name();
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
