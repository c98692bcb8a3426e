package dev.openenv.client;

import dev.openenv.core.OpenEnvException;

/** Base of the client's exceptions. Unchecked. */
public class EnvClientException extends OpenEnvException {
    public EnvClientException(String message) {
        super(message);
    }

    public EnvClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
