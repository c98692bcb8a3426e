package dev.openenv.server.ws;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches every open WebSocket {@link Connection} from one timer thread: pings the quiet ones and drops
 * those whose peer stopped answering or reading ({@link Connection#check}). The timer never waits on a
 * session and never writes to a socket (connections hand their writes to their own writer thread), so
 * neither a step in progress nor a peer that stopped reading can delay it.
 */
public final class Heartbeat implements AutoCloseable {
    private final Duration pingInterval;
    private final Duration sendTimeout;
    private final Set<Connection> watched = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger writing = new java.util.concurrent.atomic.AtomicInteger();
    private final ScheduledExecutorService timer;

    /**
     * @param pingInterval the ping period; zero turns pings off (lost readers are still noticed)
     * @param sendTimeout  how long one send to a peer may block before the peer is dropped as not reading
     */
    public Heartbeat(Duration pingInterval, Duration sendTimeout) {
        this.pingInterval = pingInterval;
        this.sendTimeout = sendTimeout;
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

    Duration sendTimeout() {
        return sendTimeout;
    }

    /**
     * The send timeout that goes with {@code pingInterval}: the liveness window (two ping periods, at
     * least a second), or 60 s when pings are off. A peer that reads nothing for that long is as gone as
     * one that answers nothing.
     */
    public static Duration sendTimeoutFor(Duration pingInterval) {
        if (pingInterval.isZero()) {
            return Duration.ofSeconds(60);
        }
        // plus(), not multipliedBy(2): that goes through BigDecimal, whose first use cost ~15 ms of start-up.
        Duration window = pingInterval.plus(pingInterval);
        return window.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : window;
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

    /** A connection's writer started (true) or finished (false). */
    void writer(boolean started) {
        if (started) {
            writing.incrementAndGet();
        } else {
            writing.decrementAndGet();
        }
    }

    /**
     * Waits up to {@code max} for every connection's queued writes (such as the {@code SESSION_ERROR} of a
     * server shutting down) to be sent, so that closing the listener does not cut them off.
     */
    public void awaitWrites(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (writing.get() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
