package dev.openenv.server.session;

import dev.openenv.core.Environment;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One environment instance and the single thread that runs it.
 *
 * <p>Every call into the environment (factory, reset, step, state, close) runs on the session's own
 * virtual thread, one at a time, in submission order — so environments need no locking and
 * thread-bound libraries work. States:
 * <pre>
 *   OPENING ──factory ok──▶ OPEN ──close(reason)──▶ CLOSED
 *      └──────factory failed──────────────────────▶ CLOSED
 * </pre>
 * A session ends when its client closes it, when it is idle past the timeout, when its peer stops
 * answering pings, or when the server stops; in every case the environment's {@code close()} runs and
 * the capacity slot is freed exactly once.
 */
public final class Session {
    /** Where a session came from; decides whether it takes a capacity slot. */
    public enum Kind {
        /** One WebSocket connection on {@code /ws}. Takes a slot. */
        WEBSOCKET,
        /** An isolated HTTP session made by {@code X-OpenEnv-Session: new}. Takes a slot. */
        HTTP,
        /** The one shared HTTP session used by requests without a session header. Takes no slot. */
        HTTP_DEFAULT
    }

    /** Lifecycle of a session. */
    public enum Status { OPENING, OPEN, CLOSED }

    private final String id;
    private final Kind kind;
    private final SessionManager owner;
    private final ExecutorService thread;
    private volatile Status status = Status.OPENING;
    private volatile long lastActivityNanos = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Consumer<String> onServerClose = reason -> {};
    private volatile Runnable keepAlive = () -> {};
    private Environment<?, ?, ?> env; // touched only on the session thread
    private volatile Thread runner;

    Session(SessionManager owner, Kind kind) {
        this.owner = owner;
        this.kind = kind;
        this.id = kind == Kind.HTTP_DEFAULT ? "default" : UUID.randomUUID().toString();
        this.thread = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("openenv-session-" + id).factory());
    }

    public String id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    public Status status() {
        return status;
    }

    /** The environment. Only valid on the session thread, i.e. inside {@link #submit}. */
    public Environment<?, ?, ?> environment() {
        return env;
    }

    /** Marks the session as used now (resets the idle timer). */
    public void touch() {
        lastActivityNanos = System.nanoTime();
    }

    /** How long the session has been idle: zero while a call is queued or running (a long step is not idleness). */
    long idleNanos(long now) {
        return inFlight.get() > 0 || attached.get() ? 0 : now - lastActivityNanos;
    }

    private final java.util.concurrent.atomic.AtomicBoolean attached = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Binds a WebSocket to this (HTTP-created) session; false when one is bound already. An attached
     * session is not reaped while attached and survives its socket closing.
     */
    public boolean attach() {
        return attached.compareAndSet(false, true);
    }

    /** Unbinds the WebSocket bound by {@link #attach()}. */
    public void detach() {
        attached.set(false);
        touch();
    }

    /** What to do when the server, not the client, ends this session (reaper, shutdown). */
    public void onServerClose(Consumer<String> callback) {
        this.onServerClose = callback;
    }

    /** Called on each reaper tick while the session is open; used for WebSocket pings. */
    public void keepAlive(Runnable probe) {
        this.keepAlive = probe;
    }

    void tick() {
        keepAlive.run();
    }

    /** Whether the caller is the session's own thread (inside {@link #submit}). */
    public boolean onSessionThread() {
        return Thread.currentThread() == runner;
    }

    /** Runs {@code work} on the session thread after everything submitted before it. */
    public <T> CompletableFuture<T> submit(Callable<T> work) {
        var result = new CompletableFuture<T>();
        inFlight.incrementAndGet();
        try {
            thread.execute(() -> {
                runner = Thread.currentThread();
                try {
                    result.complete(work.call());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                } finally {
                    lastActivityNanos = System.nanoTime();
                    inFlight.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            result.completeExceptionally(new SessionClosedException(id, "no longer accepting work"));
        }
        return result;
    }

    /**
     * Runs {@code work} on the current (session) thread with a time budget: when it runs out the thread
     * is interrupted and {@link StepTimeoutException} is thrown, whatever {@code work} returned.
     */
    public <T> T withBudget(Duration budget, Callable<T> work) throws Exception {
        if (budget == null) {
            return work.call();
        }
        Thread self = Thread.currentThread();
        var expired = new java.util.concurrent.atomic.AtomicBoolean();
        ScheduledFuture<?> alarm = owner.timer().schedule(() -> {
            expired.set(true);
            self.interrupt();
        }, budget.toNanos(), TimeUnit.NANOSECONDS);
        try {
            T value = work.call();
            if (expired.get()) {
                throw new StepTimeoutException(budget);
            }
            return value;
        } catch (InterruptedException | RuntimeException e) {
            if (expired.get()) {
                throw new StepTimeoutException(budget);
            }
            throw e;
        } finally {
            alarm.cancel(false);
            Thread.interrupted(); // never leak the alarm's interrupt into the next call
        }
    }

    /** Builds the environment on the session thread; called once by the manager. */
    void open(java.util.function.Supplier<? extends Environment<?, ?, ?>> factory,
              java.util.function.Consumer<Environment<?, ?, ?>> prepare) throws Exception {
        submit(() -> {
            env = factory.get();
            prepare.accept(env);
            return null;
        }).get();
        status = Status.OPEN;
    }

    /**
     * Ends the session: later work is refused, queued work still runs, then the environment is closed
     * on its thread and the slot is freed. Idempotent.
     *
     * @param byServer whether the server decided this (then the {@link #onServerClose} callback runs)
     */
    public void close(String reason, boolean byServer) {
        synchronized (this) {
            if (status == Status.CLOSED) {
                return;
            }
            status = Status.CLOSED;
        }
        if (byServer) {
            try {
                onServerClose.accept(reason);
            } catch (RuntimeException ignored) {
                // The peer may already be gone; the environment must be closed regardless.
            }
        }
        try {
            thread.execute(() -> {
                try {
                    if (env != null) {
                        env.close();
                    }
                } catch (Exception e) {
                    System.getLogger(Session.class.getName()).log(System.Logger.Level.WARNING,
                            "environment close failed in session " + id, e);
                } finally {
                    env = null;
                }
            });
        } catch (RejectedExecutionException ignored) {
            // already shut down
        }
        thread.shutdown();
        owner.released(this);
    }

    /** Waits until the environment has been closed (for orderly shutdown). */
    boolean awaitClosed(Duration max) throws InterruptedException {
        return thread.awaitTermination(max.toMillis(), TimeUnit.MILLISECONDS);
    }
}
