package dev.openenv.client;

/** The client could not reach the server (refused, unreachable, handshake failed or timed out). */
public final class ConnectException extends EnvClientException {
    public ConnectException(String message, Throwable cause) {
        super(message, cause);
    }
}
