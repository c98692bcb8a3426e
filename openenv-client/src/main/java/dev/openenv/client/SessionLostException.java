package dev.openenv.client;

/**
 * The session is gone: the server or the network closed the connection, or a reply did not come in
 * time and the connection was dropped so no late reply can be mistaken for the next one. The
 * environment's episode state on the server is lost with it. The client does not reconnect by itself
 * (a silent reconnect would start a new episode unnoticed); call {@code reconnect()} to open a new
 * session, then {@code reset()}.
 */
public final class SessionLostException extends EnvClientException {
    public SessionLostException(String message) {
        super(message);
    }

    public SessionLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
