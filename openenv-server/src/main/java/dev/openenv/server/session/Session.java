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
 * One environment instance and the one thread that calls it.
 *
 * <p>Calls into the environment (factory, reset, step, state) never overlap and run in submission
 * order, so environments need no locking. Two ways to get there:
 * <ul>
 *   <li><b>executor</b> ({@link SessionManager#open}): the session has its own virtual thread; work
 *       submitted from any thread is queued to it. HTTP sessions, which many request threads share.</li>
 *   <li><b>inline</b> ({@link SessionManager#openInline}): the thread that opened the session (a
 *       WebSocket connection's reader) is the session's thread, and work it submits runs right there,
 *       without a thread handoff per message. Work from any other thread runs on that thread under
 *       the same lock, so calls still never overlap.</li>
 * </ul>
 * The environment's {@code close()} runs once: on the session's thread, or — when the session is
 * ended from elsewhere (idle reaper, shutdown) — on the ending thread as soon as no call is running.
 * States:
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
    private final ExecutorService thread; // executor mode; null when inline
    private final java.util.concurrent.locks.ReentrantLock callLock = new java.util.concurrent.locks.ReentrantLock(); // inline mode
    private volatile boolean envClosed;
    private volatile Status status = Status.OPENING;
    private volatile long lastActivityNanos = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Consumer<String> onServerClose = reason -> {};
    private volatile Runnable keepAlive = () -> {};
    private Environment<?, ?, ?> env; // touched only on the session thread
    private volatile Thread runner;

    Session(SessionManager owner, Kind kind, boolean inline) {
        this.owner = owner;
        this.kind = kind;
        this.id = kind == Kind.HTTP_DEFAULT ? "default" : UUID.randomUUID().toString();
        this.thread = inline ? null : Executors.newSingleThreadExecutor(Thread.ofVirtual().name("openenv-session-" + id).factory());
        this.runner = inline ? Thread.currentThread() : null;
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
        return thread == null ? callLock.isHeldByCurrentThread() || Thread.currentThread() == runner : Thread.currentThread() == runner;
    }

    /** Whether a call is queued or running. */
    public boolean busy() {
        return inFlight.get() > 0;
    }

    /**
     * Runs {@code work} on the session thread after everything submitted before it. Inline sessions
     * run it before returning (the future is already complete).
     */
    public <T> CompletableFuture<T> submit(Callable<T> work) {
        if (thread == null) {
            return runInline(work);
        }
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

    private <T> CompletableFuture<T> runInline(Callable<T> work) {
        var result = new CompletableFuture<T>();
        inFlight.incrementAndGet();
        callLock.lock();
        try {
            if (status == Status.CLOSED) {
                result.completeExceptionally(new SessionClosedException(id, "no longer accepting work"));
            } else {
                result.complete(work.call());
            }
        } catch (Throwable t) {
            result.completeExceptionally(t);
        } finally {
            lastActivityNanos = System.nanoTime();
            callLock.unlock();
            inFlight.decrementAndGet();
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
        // 0 running, 1 expired, 2 done. The alarm interrupts only a call still running, and the call
        // clears its interrupt under the same lock, so none leaks into the thread's next job (for an
        // inline session that is a WebSocket reader, whose socket an interrupt would close).
        int[] state = {0};
        ScheduledFuture<?> alarm = owner.timer().schedule(() -> {
            synchronized (state) {
                if (state[0] == 0) {
                    state[0] = 1;
                    self.interrupt();
                }
            }
        }, budget.toNanos(), TimeUnit.NANOSECONDS);
        T value;
        try {
            value = work.call();
        } catch (InterruptedException | RuntimeException e) {
            if (settle(state)) {
                throw new StepTimeoutException(budget);
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
        if (settle(state)) {
            throw new StepTimeoutException(budget);
        }
        return value;
    }

    /** Ends a budgeted call: whether its alarm went off, with any interrupt it sent cleared. */
    private static boolean settle(int[] state) {
        synchronized (state) {
            boolean expired = state[0] == 1;
            state[0] = 2;
            Thread.interrupted();
            return expired;
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
        if (thread == null) {
            if (!finishClose()) {
                owner.closeLater(this); // a call is running: the reaper closes the environment after it
            }
            owner.released(this);
            return;
        }
        try {
            thread.execute(this::closeEnvironment);
        } catch (RejectedExecutionException ignored) {
            // already shut down
        }
        thread.shutdown();
        owner.released(this);
    }

    /** Inline sessions: closes the environment unless a call is running. True once it is closed. */
    boolean finishClose() {
        if (envClosed) {
            return true;
        }
        if (!callLock.tryLock()) {
            return false;
        }
        try {
            closeEnvironment();
            return true;
        } finally {
            callLock.unlock();
        }
    }

    private void closeEnvironment() {
        if (envClosed) {
            return;
        }
        envClosed = true;
        try {
            if (env != null) {
                env.close();
            }
        } catch (Exception e) {
            System.getLogger(Session.class.getName()).log(System.Logger.Level.WARNING, "environment close failed in session " + id, e);
        } finally {
            env = null;
        }
    }

    /** Waits until the environment has been closed (for orderly shutdown). */
    boolean awaitClosed(Duration max) throws InterruptedException {
        if (thread == null) {
            long deadline = System.nanoTime() + max.toNanos();
            while (!finishClose()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(10);
            }
            return true;
        }
        return thread.awaitTermination(max.toMillis(), TimeUnit.MILLISECONDS);
    }
}
