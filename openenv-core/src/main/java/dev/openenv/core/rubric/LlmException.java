package dev.openenv.core.rubric;

import dev.openenv.core.OpenEnvException;

/** A language model could not be asked, refused, or answered with something unreadable. */
public final class LlmException extends OpenEnvException {
    public LlmException(String message) {
        super(message);
    }

    public LlmException(String message, Throwable cause) {
        super(message, cause);
    }
}
