package dev.openenv.client;

import java.util.Map;

/**
 * The server answered a request with an error. {@link #code()} is the protocol's error code
 * ({@code INVALID_JSON}, {@code UNKNOWN_TYPE}, {@code VALIDATION_ERROR}, {@code EXECUTION_ERROR},
 * {@code CAPACITY_REACHED}, {@code FACTORY_ERROR}, {@code SESSION_ERROR}); over HTTP the code is derived
 * from the status. {@link #details()} holds every other member of the error (e.g. {@code errors}).
 */
public class ServerErrorException extends EnvClientException {
    private final String code;
    private final transient Map<String, Object> details;

    public ServerErrorException(String code, String message, Map<String, Object> details) {
        super("Server error: " + message + " (code: " + code + ")");
        this.code = code;
        this.details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** The protocol error code. */
    public String code() {
        return code;
    }

    /** The server's message, without the code. */
    public String serverMessage() {
        String m = getMessage();
        return m.substring("Server error: ".length(), m.length() - (" (code: " + code + ")").length());
    }

    /** Extra members of the error, such as {@code errors}, {@code active_sessions}, {@code factory_name}. */
    public Map<String, Object> details() {
        return details;
    }
}
