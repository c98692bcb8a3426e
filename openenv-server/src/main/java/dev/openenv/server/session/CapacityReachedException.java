package dev.openenv.server.session;

import dev.openenv.core.OpenEnvException;

/** No session slot is free: {@code active} sessions are open out of {@code max}. */
public final class CapacityReachedException extends OpenEnvException {
    private final int active;
    private final int max;

    public CapacityReachedException(int active, int max) {
        super("Server at capacity: " + active + "/" + max + " sessions active. Cannot accept new connections.");
        this.active = active;
        this.max = max;
    }

    public int active() {
        return active;
    }

    public int max() {
        return max;
    }
}
