package dev.openenv.server.ws;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches every open WebSocket {@link Connection} from one timer thread: pings the quiet ones and drops
 * those whose peer stopped answering ({@link Connection#check}). The timer never waits on a session, so
 * a step in progress cannot delay it.
 */
public final class Heartbeat implements AutoCloseable {
    private final Duration pingInterval;
    private final Set<Connection> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    /** @param pingInterval the ping period; zero turns pings off (lost readers are still noticed) */
    public Heartbeat(Duration pingInterval) {
        this.pingInterval = pingInterval;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "openenv-ws-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long tick = pingInterval.isZero() ? 1000 : Math.max(50, Math.min(pingInterval.toMillis() / 2, 5000));
        timer.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    Duration pingInterval() {
        return pingInterval;
    }

    void watch(Connection c) {
        watched.add(c);
    }

    void forget(Connection c) {
        watched.remove(c);
    }

    private void tick() {
        long now = System.nanoTime();
        for (Connection c : watched) {
            try {
                c.check(now);
            } catch (RuntimeException e) {
                System.getLogger(Heartbeat.class.getName()).log(System.Logger.Level.WARNING, "liveness check failed", e);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
