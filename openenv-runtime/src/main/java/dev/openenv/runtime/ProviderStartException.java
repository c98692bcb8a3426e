package dev.openenv.runtime;

import dev.openenv.core.OpenEnvException;

/**
 * A provider could not start its environment or the environment did not become ready in time. By the
 * time this is thrown, everything the provider started has been stopped again. The message says why;
 * {@link #logs()} holds what the server printed, when there was any.
 */
public final class ProviderStartException extends OpenEnvException {
    private final String logs;

    public ProviderStartException(String message) {
        this(message, "", null);
    }

    public ProviderStartException(String message, Throwable cause) {
        this(message, "", cause);
    }

    public ProviderStartException(String message, String logs, Throwable cause) {
        super(logs == null || logs.isBlank() ? message : message + "\n--- last lines of its log ---\n" + logs.strip(), cause);
        this.logs = logs == null ? "" : logs;
    }

    /** The server's captured output (the last lines), empty if none. */
    public String logs() {
        return logs;
    }
}
