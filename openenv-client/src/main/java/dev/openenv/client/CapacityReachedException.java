package dev.openenv.client;

import dev.openenv.core.protocol.ServerMessage;

/** The server had no free session slot ({@code CAPACITY_REACHED}); the connection was closed. */
public final class CapacityReachedException extends ServerErrorException {
    public CapacityReachedException(ServerMessage.Error error) {
        super(error);
    }

    /** Sessions active on the server when it refused, or -1 if it did not say. */
    public int activeSessions() {
        return details().get("active_sessions") instanceof Number n ? n.intValue() : -1;
    }

    /** The server's session limit, or -1 if it did not say. */
    public int maxSessions() {
        return details().get("max_sessions") instanceof Number n ? n.intValue() : -1;
    }
}
