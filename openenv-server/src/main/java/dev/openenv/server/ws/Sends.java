package dev.openenv.server.ws;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * How one connection's writes reach its peer, and whether one is stuck. The reader thread writes its own
 * answers ({@link #timed}); writes started by other threads — the heartbeat's pings, a session ended by
 * the server — go to a per-connection writer, a virtual thread started on demand ({@link #later}), so no
 * timer thread ever blocks on a socket. Each write in progress carries its start time: one older than
 * the heartbeat's send timeout means the peer stopped reading ({@link #stuck}).
 *
 * <p>The writer's states: IDLE ──{@link #later}──▶ DRAINING (it writes what is queued, in order) ──queue
 * empty──▶ IDLE. At most 8 writes wait: past that the writer is stuck and the send timeout is about to
 * drop the peer, so more are not queued.
 */
final class Sends {
    private static final System.Logger LOG = System.getLogger(Sends.class.getName());
    private static final int MAX_QUEUED = 8;

    private final Heartbeat heartbeat;
    private final Supplier<String> sessionId;
    private final ArrayDeque<Runnable> outbox = new ArrayDeque<>(); // guarded by itself
    private boolean draining; // guarded by outbox
    /** When the reader's send in progress began (0: none). */
    private volatile long readerSendSince;
    /** When the writer's send in progress began (0: none). */
    private volatile long writerSendSince;

    /** {@code sessionId}: the connection's session, for the log. */
    Sends(Heartbeat heartbeat, Supplier<String> sessionId) {
        this.heartbeat = heartbeat;
        this.sessionId = sessionId;
    }

    /** Runs {@code write} on the calling (reader) thread, watched by the send timeout. */
    void timed(Runnable write) {
        readerSendSince = System.nanoTime() | 1;
        try {
            write.run();
        } finally {
            readerSendSince = 0;
        }
    }

    /** Runs {@code write} on this connection's writer thread, after the writes queued before it. */
    void later(Runnable write) {
        synchronized (outbox) {
            if (outbox.size() >= MAX_QUEUED) {
                return; // the writer is stuck; the send timeout is about to drop this peer
            }
            outbox.add(write);
            if (draining) {
                return;
            }
            draining = true;
        }
        heartbeat.writer(true);
        Thread.ofVirtual().name("openenv-ws-writer").start(this::drain);
    }

    /** Whether the writer thread is writing (or has writes queued). */
    boolean writerBusy() {
        synchronized (outbox) {
            return draining;
        }
    }

    /** Whether a send, by the reader or the writer, has been in progress longer than the send timeout at {@code now}. */
    boolean stuck(long now) {
        long timeout = heartbeat.sendTimeout().toNanos();
        return stuck(readerSendSince, now, timeout) || stuck(writerSendSince, now, timeout);
    }

    private static boolean stuck(long since, long now, long timeout) {
        return since != 0 && now - since > timeout;
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (outbox) {
                next = outbox.poll();
                if (next == null) {
                    draining = false;
                    heartbeat.writer(false);
                    return;
                }
            }
            writerSendSince = System.nanoTime() | 1;
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "session " + sessionId.get() + ": send failed: " + e);
            } finally {
                writerSendSince = 0;
            }
        }
    }
}
