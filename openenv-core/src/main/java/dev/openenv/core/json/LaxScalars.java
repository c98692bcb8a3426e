package dev.openenv.core.json;

import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Pydantic "lax" coercion of one JSON scalar to an int, number, bool or enum, collecting the error when refused. */
final class LaxScalars {
    private LaxScalars() {}

    static BigInteger toInteger(JsonNode node, List<Object> loc, List<ValidationError> errors) {
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? BigInteger.ONE : BigInteger.ZERO;
        }
        if (node.isNumber()) {
            if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
                // 1e400 parses as Infinity, which has no BigDecimal (Jackson 3 throws): pydantic's finite_number.
                errors.add(RecordBinder.error("finite_number", loc, "Input should be a finite number", node, null));
                return null;
            }
            BigDecimal d = node.decimalValue().stripTrailingZeros();
            if (d.scale() <= 0) {
                // Past 10^20 every bound here is exceeded, so the exact value is not needed (1E+2000000000 has no
                // BigInteger: toBigIntegerExact throws ArithmeticException).
                return d.precision() - d.scale() > 20 ? BigInteger.TEN.pow(20).multiply(BigInteger.valueOf(d.signum()))
                        : d.toBigIntegerExact();
            }
            errors.add(RecordBinder.error("int_from_float", loc, "Input should be a valid integer, got a number with a fractional part", node, null));
            return null;
        }
        if (node.isString()) {
            try {
                return new BigInteger(node.stringValue().strip().replace("_", ""));
            } catch (NumberFormatException e) {
                errors.add(RecordBinder.error("int_parsing", loc, "Input should be a valid integer, unable to parse string as an integer", node, null));
                return null;
            }
        }
        errors.add(RecordBinder.error("int_type", loc, "Input should be a valid integer", node, null));
        return null;
    }

    static Double toDouble(JsonNode node, List<Object> loc, List<ValidationError> errors) {
        if (node.isNumber()) {
            // Number.doubleValue, not JsonNode.doubleValue: Jackson 3's throws for an integer past the double range.
            double d = node.numberValue().doubleValue();
            if (Double.isInfinite(d) && !(node.isDouble() || node.isFloat())) {
                errors.add(RecordBinder.error("finite_number", loc, "Input should be a finite number", node, null));
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
                errors.add(RecordBinder.error("float_parsing", loc, "Input should be a valid number, unable to parse string as a number", node, null));
                return null;
            }
        }
        errors.add(RecordBinder.error("float_type", loc, "Input should be a valid number", node, null));
        return null;
    }

    static Object toBoolean(JsonNode node, List<Object> loc, List<ValidationError> errors) {
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
            errors.add(RecordBinder.error("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", node, null));
            return RecordBinder.INVALID;
        }
        errors.add(RecordBinder.error("bool_type", loc, "Input should be a valid boolean", node, null));
        return RecordBinder.INVALID;
    }

    static Object toEnum(JsonNode node, Class<?> c, List<Object> loc, List<ValidationError> errors) {
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
        errors.add(RecordBinder.error("enum", loc, "Input should be " + expected, node, Map.of("expected", expected.toString())));
        return RecordBinder.INVALID;
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
}
