package dev.openenv.server.http;

import dev.openenv.core.OpenEnvException;
import dev.openenv.core.json.ValidationError;
import java.util.List;

/** A request body that fails FastAPI-style request validation (answered with 422, {@code loc} under "body"). */
final class BodyValidationException extends OpenEnvException {
    private final transient List<ValidationError> errors;

    BodyValidationException(List<ValidationError> errors) {
        super("invalid request body");
        this.errors = List.copyOf(errors);
    }

    BodyValidationException(ValidationError error) {
        this(List.of(error));
    }

    List<ValidationError> errors() {
        return errors;
    }
}
