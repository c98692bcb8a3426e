package dev.openenv.client;

import dev.openenv.core.protocol.ErrorCode;
import dev.openenv.core.protocol.ServerMessage;
import java.util.Map;

/**
 * The server answered a request with an error. {@link #code()} is the protocol's error code (over HTTP
 * it is derived from the status, as {@link ServerMessage.Error#fromHttp} reads it); a code this client
 * does not know is {@link ErrorCode#UNKNOWN}, with the server's spelling in {@link #rawCode()}.
 * {@link #serverMessage()} is the server's message as received; {@link #details()} holds every other
 * member of the error (e.g. {@code errors}, {@code active_sessions}, the HTTP {@code status}).
 */
public class ServerErrorException extends EnvClientException {
    private final ErrorCode code;
    private final String rawCode;
    private final String serverMessage;
    private final transient Map<String, Object> details;

    public ServerErrorException(ServerMessage.Error error) {
        super("Server error: " + error.message() + " (code: " + error.rawCode() + ")");
        this.code = error.code();
        this.rawCode = error.rawCode();
        this.serverMessage = error.message();
        this.details = Map.copyOf(withoutNulls(error.detailValues()));
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> values) {
        values.values().removeIf(java.util.Objects::isNull);
        return values;
    }

    /** The protocol error code. */
    public ErrorCode code() {
        return code;
    }

    /** The code as the server spelled it (differs from {@code code().wire()} only for {@link ErrorCode#UNKNOWN}). */
    public String rawCode() {
        return rawCode;
    }

    /** The server's message, as it sent it. */
    public String serverMessage() {
        return serverMessage;
    }

    /** Extra members of the error, such as {@code errors}, {@code active_sessions}, {@code factory_name}. */
    public Map<String, Object> details() {
        return details;
    }
}
