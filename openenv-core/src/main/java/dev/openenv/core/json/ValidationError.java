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
    /**
     * The pydantic release (major.minor) whose documentation links the errors carry, as the reference
     * built against the pinned dependencies does ({@code interop/requirements.txt} pins it; a test keeps
     * the two equal).
     */
    public static final String PYDANTIC_VERSION = "2.14";

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

    /** The pydantic documentation page of this error's type, the {@code url} of the reference's error lists. */
    public String url() {
        return "https://errors.pydantic.dev/" + PYDANTIC_VERSION + "/v/" + type;
    }

    /**
     * The errors as pydantic's {@code str(ValidationError)} writes them, the text the reference puts in
     * messages: {@code "1 validation error for Title\nloc\n  msg [type=…, input_value=…, input_type=…]\n
     * For further information visit …"}.
     */
    public static String describe(String title, List<ValidationError> errors) {
        var sb = new StringBuilder().append(errors.size()).append(errors.size() == 1 ? " validation error" : " validation errors")
                .append(" for ").append(title);
        for (ValidationError e : errors) {
            sb.append('\n').append(String.join(".", e.loc().stream().map(String::valueOf).toList()))
                    .append("\n  ").append(e.msg())
                    .append(" [type=").append(e.type())
                    .append(", input_value=").append(PythonRepr.shown(e.input()))
                    .append(", input_type=").append(PythonRepr.typeName(e.input())).append(']')
                    .append("\n    For further information visit ").append(e.url());
        }
        return sb.toString();
    }
}
