package dev.openenv.core;

/** Base of every exception OpenEnv throws on purpose. Unchecked; subclasses say what went wrong. */
public class OpenEnvException extends RuntimeException {
    public OpenEnvException(String message) {
        super(message);
    }

    public OpenEnvException(String message, Throwable cause) {
        super(message, cause);
    }
}
