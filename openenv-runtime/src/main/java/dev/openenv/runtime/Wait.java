package dev.openenv.runtime;

import dev.openenv.runtime.internal.Probes;
import java.util.Map;

/** Ready checks for {@link WaitStrategy}. Each polls every 100 ms and gives up when the target fails. */
public final class Wait {
    private Wait() {}

    /**
     * Ready once a WebSocket session on {@code /ws} answers a reset with an observation; the session is
     * then closed and the server's close confirmed, so its capacity slot is free again before a client
     * connects. This is the default: {@code /health} can answer while the environment cannot yet.
     */
    public static WaitStrategy forReset() {
        return forReset(Map.of());
    }

    /** {@link #forReset()} sending {@code resetArguments} (e.g. {@code seed}) with the reset. */
    public static WaitStrategy forReset(Map<String, ?> resetArguments) {
        Map<String, Object> arguments = Map.copyOf(resetArguments);
        return (target, timeout) -> Probes.awaitReset(target, timeout, arguments);
    }

    /** Ready once {@code GET /health} answers 200, as the Python reference's providers wait. */
    public static WaitStrategy forHealth() {
        return (target, timeout) -> Probes.awaitHttp(target, timeout, "/health");
    }

    /** Ready once {@code GET path} answers 2xx. */
    public static WaitStrategy forHttp(String path) {
        String p = path.startsWith("/") ? path : "/" + path;
        return (target, timeout) -> Probes.awaitHttp(target, timeout, p);
    }
}
