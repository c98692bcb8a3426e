package dev.openenv.client;

import java.util.Map;

/** The server had no free session slot ({@code CAPACITY_REACHED}); the connection was closed. */
public final class CapacityReachedException extends ServerErrorException {
    public CapacityReachedException(String message, Map<String, Object> details) {
        super("CAPACITY_REACHED", message, details);
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
