package dev.openenv.core.json;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One validation failure in the shape the Python reference (pydantic/FastAPI) uses:
 * {@code {"type":"missing","loc":["message"],"msg":"Field required","input":{…}}}.
 *
 * @param type  machine-readable kind ({@code missing}, {@code extra_forbidden}, {@code string_type}, …)
 * @param loc   path to the offending value: field names and list indices
 * @param msg   human-readable explanation
 * @param input the offending input value
 * @param ctx   extra facts about the failure (limits, expected values), or an empty map
 */
public record ValidationError(String type, List<Object> loc, String msg, JsonNode input, Map<String, Object> ctx) {
    public ValidationError {
        loc = List.copyOf(loc);
        ctx = ctx == null ? Map.of() : Map.copyOf(ctx);
    }

    /** The same error with {@code prefix} put in front of its location. */
    public ValidationError under(List<Object> prefix) {
        var joined = new java.util.ArrayList<>(prefix);
        joined.addAll(loc);
        return new ValidationError(type, joined, msg, input, ctx);
    }
}
