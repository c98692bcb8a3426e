package dev.openenv.server.session;

import dev.openenv.core.Environment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Owns every live session: hands out capacity slots, builds environments with the factory, finds
 * sessions by id, and reaps idle ones. Thread-safe.
 */
public final class SessionManager implements AutoCloseable {
    private final Supplier<? extends Environment<?, ?, ?>> factory;
    private final java.util.function.Consumer<Environment<?, ?, ?>> prepare;
    private final String factoryName;
    private final int maxSessions;
    private final Duration idleTimeout;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    /** Inline sessions ended while a call was running: their environments are closed once it returns. */
    private final java.util.Set<Session> closing = ConcurrentHashMap.newKeySet();
    private int slotsInUse; // guarded by this
    private Session defaultHttp; // guarded by this
    private volatile boolean closed;

    public SessionManager(Supplier<? extends Environment<?, ?, ?>> factory, String factoryName, int maxSessions,
                          Duration idleTimeout, Duration tick, java.util.function.Consumer<Environment<?, ?, ?>> prepare) {
        this.factory = factory;
        this.prepare = prepare;
        this.factoryName = factoryName;
        this.maxSessions = maxSessions;
        this.idleTimeout = idleTimeout;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "openenv-session-timer");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::reap, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How often the reaper should look, given the idle timeout and ping interval. */
    public static Duration tickFor(Duration idleTimeout, Duration pingInterval) {
        long ms = Long.MAX_VALUE;
        if (!idleTimeout.isZero()) {
            ms = Math.min(ms, idleTimeout.toMillis() / 4);
        }
        if (!pingInterval.isZero()) {
            ms = Math.min(ms, pingInterval.toMillis() / 2);
        }
        return Duration.ofMillis(Math.max(50, Math.min(ms, 5000)));
    }

    ScheduledExecutorService timer() {
        return timer;
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
     * environment. Blocks until the environment exists.
     *
     * @throws CapacityReachedException when every slot is taken
     * @throws FactoryException          when the factory throws (the slot is freed again)
     */
    public Session open(Session.Kind kind) {
        return open(kind, false);
    }

    /**
     * Opens a session whose thread is the calling one: work this thread submits runs inline, with no
     * handoff (see {@link Session}). For a WebSocket connection, whose reader thread lives as long as
     * the session.
     */
    public Session openInline(Session.Kind kind) {
        return open(kind, true);
    }

    private Session open(Session.Kind kind, boolean inline) {
        if (closed) {
            throw new SessionClosedException("-", "server is shutting down");
        }
        if (kind != Session.Kind.HTTP_DEFAULT) {
            synchronized (this) {
                if (slotsInUse >= maxSessions) {
                    throw new CapacityReachedException(slotsInUse, maxSessions);
                }
                slotsInUse++;
            }
        }
        Session session = new Session(this, kind, inline);
        sessions.put(session.id(), session);
        try {
            session.open(factory, prepare);
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            session.close("factory failed", false);
            throw new FactoryException(factoryName, cause);
        }
        return session;
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

    void closeLater(Session session) {
        closing.add(session);
    }

    void released(Session session) {
        if (sessions.remove(session.id(), session) && session.kind() != Session.Kind.HTTP_DEFAULT) {
            synchronized (this) {
                slotsInUse--;
            }
        }
    }

    private void reap() {
        closing.removeIf(Session::finishClose);
        long now = System.nanoTime();
        for (Session s : List.copyOf(sessions.values())) {
            try {
                if (!idleTimeout.isZero() && s.idleNanos(now) > idleTimeout.toNanos()) {
                    s.close("Session closed after " + StepTimeoutException.seconds(idleTimeout) + " s idle", true);
                } else {
                    s.tick();
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
        timer.shutdownNow();
    }
}
