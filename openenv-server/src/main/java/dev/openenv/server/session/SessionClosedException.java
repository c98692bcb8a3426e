package dev.openenv.server.session;

import dev.openenv.core.OpenEnvException;

/** A call reached a session that has already ended (closed by its client, the reaper or shutdown). */
public final class SessionClosedException extends OpenEnvException {
    public SessionClosedException(String sessionId, String reason) {
        super("Session " + sessionId + " is closed: " + reason);
    }
}
