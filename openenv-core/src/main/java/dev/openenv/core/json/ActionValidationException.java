package dev.openenv.core.json;

import dev.openenv.core.OpenEnvException;
import java.util.List;

/** An action (or other request payload) that does not fit its declared type; carries every failure found. */
public final class ActionValidationException extends OpenEnvException {
    private final transient List<ValidationError> errors;

    public ActionValidationException(List<ValidationError> errors) {
        super(summary(errors));
        this.errors = List.copyOf(errors);
    }

    public List<ValidationError> errors() {
        return errors;
    }

    private static String summary(List<ValidationError> errors) {
        var sb = new StringBuilder(errors.size() + " validation error(s)");
        for (ValidationError e : errors) {
            sb.append("; ").append(e.loc()).append(": ").append(e.msg());
        }
        return sb.toString();
    }
}
