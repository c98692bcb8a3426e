package dev.openenv.core.json;

import dev.openenv.core.Bounds;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** {@link Bounds} on a decoded number, reported with pydantic's error types, messages and context. */
final class BoundsCheck {
    private BoundsCheck() {}

    /** Pydantic's ge/gt/le/lt checks: the first limit broken is reported, as pydantic does. */
    static void check(Number n, Bounds b, JsonNode input, List<Object> loc, List<ValidationError> errors) {
        double v = n.doubleValue();
        boolean integral = n instanceof Integer || n instanceof Long;
        String broken = !Double.isNaN(b.gt()) && !(v > b.gt()) ? "gt"
                : !Double.isNaN(b.ge()) && !(v >= b.ge()) ? "ge"
                : !Double.isNaN(b.lt()) && !(v < b.lt()) ? "lt"
                : !Double.isNaN(b.le()) && !(v <= b.le()) ? "le" : null;
        if (broken == null) {
            return;
        }
        double limit = switch (broken) {
            case "gt" -> b.gt();
            case "ge" -> b.ge();
            case "lt" -> b.lt();
            default -> b.le();
        };
        String[] kind = switch (broken) {
            case "gt" -> new String[] {"greater_than", "greater than"};
            case "ge" -> new String[] {"greater_than_equal", "greater than or equal to"};
            case "lt" -> new String[] {"less_than", "less than"};
            default -> new String[] {"less_than_equal", "less than or equal to"};
        };
        // The message prints the limit as written (0, 0.5); ctx carries it in the field's own type.
        String shown = limit == Math.rint(limit) && Math.abs(limit) < 1e15 ? Long.toString((long) limit) : Double.toString(limit);
        Object ctx = integral && limit == Math.rint(limit) ? (Object) (long) limit : (Object) limit;
        errors.add(RecordBinder.error(kind[0], loc, "Input should be " + kind[1] + " " + shown, input, Map.of(broken, ctx)));
    }
}
