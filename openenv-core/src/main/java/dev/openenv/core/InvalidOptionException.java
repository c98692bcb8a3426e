package dev.openenv.core;

import dev.openenv.core.json.ValidationError;
import dev.openenv.core.json.WireCodec;
import java.util.List;

/**
 * A reset option the environment cannot accept: the caller's mistake, so it is answered like any
 * other validation failure (HTTP 422, {@code VALIDATION_ERROR} on {@code /ws}, invalid params on
 * {@code /mcp}) with an error whose {@code loc} names the option, never as an environment failure (500).
 *
 * <p>An {@link IllegalArgumentException}, so code that caught the old one still does.
 *
 * <pre>{@code throw new InvalidOptionException("opponent", o, "must be random, greedy or minimax");}</pre>
 */
public class InvalidOptionException extends IllegalArgumentException {
    private final String option;
    private final transient List<ValidationError> errors;

    public InvalidOptionException(String option, Object value, String requirement) {
        super(option + " " + requirement + ", got " + value);
        this.option = option;
        this.errors = List.of(new ValidationError("value_error", List.of(option), "Value error, " + getMessage(),
                WireCodec.standard().toTree(value), null));
    }

    /** One pydantic-shaped error whose {@code loc} is the option's name. */
    public List<ValidationError> errors() {
        return errors;
    }

    /** The name of the rejected option. */
    public String option() {
        return option;
    }
}
