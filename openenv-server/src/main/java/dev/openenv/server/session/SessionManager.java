package dev.openenv.server.session;

import dev.openenv.core.Environment;
import dev.openenv.core.TimeBudget;
import dev.openenv.core.protocol.Failure;
import dev.openenv.core.protocol.ProtocolException;
import dev.openenv.server.metrics.ServerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Owns every live session: hands out capacity slots, builds environments with the factory, finds
 * sessions by id, and reaps idle ones. It calls sessions; sessions never call it (it learns of their end
 * from {@link Session#ended()}). Thread-safe.
 *
 * <p>Each session's opening and end leave one INFO line, each refusal one too, all in the shape
 * {@code session ID: EVENT key=value …} ({@code -} for the id of a session never made).
 */
public final class SessionManager implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SessionManager.class.getName());
    private final Supplier<? extends Environment<?, ?, ?>> factory;
    private final Consumer<Environment<?, ?, ?>> prepare;
    private final String factoryName;
    private final int maxSessions;
    private final Duration idleTimeout;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reaper;
    private final ServerMetrics metrics;
    private int slotsInUse; // guarded by this
    private Session defaultHttp; // guarded by this
    private volatile boolean closed;

    public SessionManager(Supplier<? extends Environment<?, ?, ?>> factory, String factoryName, int maxSessions,
                          Duration idleTimeout, Consumer<Environment<?, ?, ?>> prepare) {
        this(factory, factoryName, maxSessions, idleTimeout, prepare, new ServerMetrics(() -> 0)); // counted, never published
    }

    /** A manager whose sessions and refusals are counted in {@code metrics}. */
    public SessionManager(Supplier<? extends Environment<?, ?, ?>> factory, String factoryName, int maxSessions,
                          Duration idleTimeout, Consumer<Environment<?, ?, ?>> prepare, ServerMetrics metrics) {
        this.metrics = metrics;
        this.factory = factory;
        this.prepare = prepare;
        this.factoryName = factoryName;
        this.maxSessions = maxSessions;
        this.idleTimeout = idleTimeout;
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "openenv-session-reaper");
            t.setDaemon(true);
            return t;
        });
        if (!idleTimeout.isZero()) {
            long tick = Math.max(50, Math.min(idleTimeout.toMillis() / 4, 5000));
            reaper.scheduleWithFixedDelay(this::reap, tick, tick, TimeUnit.MILLISECONDS);
        }
    }

    public int maxSessions() {
        return maxSessions;
    }

    /** Sessions currently holding a slot. */
    public synchronized int activeSessions() {
        return slotsInUse;
    }

    /**
     * Opens a session: takes a slot (unless {@link Session.Kind#HTTP_DEFAULT}) and builds its
     * environment. Blocks until the environment exists. A {@link Session.Kind#WEBSOCKET} session's calls
     * run on the thread that makes them, so open it from the connection's reader thread.
     *
     * @throws ProtocolException {@link Failure.CapacityReached} when every slot is taken,
     *                           {@link Failure.FactoryFailed} when the factory throws (the slot is freed again),
     *                           {@link Failure.SessionFailed} when the server is stopping
     */
    public Session open(Session.Kind kind) {
        if (closed) {
            throw Failure.raise(new Failure.SessionFailed("Server shutting down"));
        }
        if (kind != Session.Kind.HTTP_DEFAULT) {
            synchronized (this) {
                if (slotsInUse >= maxSessions) {
                    var refusal = new Failure.CapacityReached(slotsInUse, maxSessions);
                    metrics.refused();
                    LOG.log(System.Logger.Level.INFO, "session -: refused code=" + refusal.code() + " kind=" + kindName(kind)
                            + " slots=" + slotsInUse + "/" + maxSessions);
                    throw Failure.raise(refusal);
                }
                slotsInUse++;
            }
        }
        Session session = new Session(kind);
        sessions.put(session.id(), session);
        long opened = System.nanoTime();
        session.ended().thenAccept(ending -> {
            release(session);
            logEnd(session, ending, opened);
        });
        try {
            session.open(factory, prepare);
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            var failure = new Failure.FactoryFailed(factoryName);
            Session.logFailure(session.id(), failure, cause);
            session.close("factory failed", false);
            throw new ProtocolException(failure, cause);
        }
        metrics.sessionOpened(kind == Session.Kind.WEBSOCKET);
        LOG.log(System.Logger.Level.INFO, () -> "session " + session.id() + ": opened kind=" + kindName(kind) + " slots=" + slotsNow());
        return session;
    }

    private static String kindName(Session.Kind kind) {
        return switch (kind) {
            case WEBSOCKET -> "websocket";
            case HTTP -> "http";
            case HTTP_DEFAULT -> "http-default";
        };
    }

    private synchronized String slotsNow() {
        return slotsInUse + "/" + maxSessions;
    }

    private void logEnd(Session session, Session.Ending ending, long openedNanos) {
        metrics.sessionClosed(ending.byServer());
        LOG.log(System.Logger.Level.INFO, () -> "session " + session.id() + ": closed by=" + (ending.byServer() ? "server" : "client")
                + " reason=\"" + ending.reason() + "\" after_ms=" + (System.nanoTime() - openedNanos) / 1_000_000
                + " slots=" + slotsNow());
    }

    /** The shared HTTP session, built on first use (and again after it was reaped). */
    public synchronized Session defaultHttpSession() {
        if (defaultHttp == null || defaultHttp.status() == Session.Status.CLOSED) {
            defaultHttp = open(Session.Kind.HTTP_DEFAULT);
        }
        return defaultHttp;
    }

    public Optional<Session> find(String id) {
        return Optional.ofNullable(sessions.get(id)).filter(s -> s.status() != Session.Status.CLOSED);
    }

    private void release(Session session) {
        if (sessions.remove(session.id(), session) && session.kind() != Session.Kind.HTTP_DEFAULT) {
            synchronized (this) {
                slotsInUse--;
            }
        }
    }

    private void reap() {
        long now = System.nanoTime();
        for (Session s : List.copyOf(sessions.values())) {
            try {
                if (s.idleNanos(now) > idleTimeout.toNanos()) {
                    if (s.status() != Session.Status.CLOSED) {
                        metrics.reaped(); // its end is counted by logEnd, as by the server
                    }
                    s.close("Session closed after " + TimeBudget.seconds(idleTimeout) + " s idle", true);
                }
            } catch (RuntimeException e) {
                System.getLogger(SessionManager.class.getName()).log(System.Logger.Level.WARNING, "reaper failed on " + s.id(), e);
            }
        }
    }

    /** Ends every session (the server is stopping) and waits briefly for their environments to close. */
    @Override
    public void close() {
        closed = true;
        reaper.shutdownNow();
        List<Session> all = List.copyOf(sessions.values());
        for (Session s : all) {
            s.close("Server shutting down", true);
        }
        for (Session s : all) {
            try {
                s.awaitClosed(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }
}
