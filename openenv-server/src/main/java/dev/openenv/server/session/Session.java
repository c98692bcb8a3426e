package dev.openenv.server.session;

import dev.openenv.core.Environment;
import dev.openenv.core.protocol.Failure;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One environment instance and the {@link Strand} that calls it.
 *
 * <p>Calls into the environment (factory, reset, step, state, close) never overlap and run in the order
 * they were made, so environments need no locking. A WebSocket session runs each call on the thread that
 * makes it (its connection's reader) under a lock; an HTTP session has its own virtual thread, to which
 * request threads queue their calls. States:
 * <pre>
 *   OPENING ──factory ok──▶ OPEN ──close(reason)──▶ CLOSED
 *      └──────factory failed──────────────────────▶ CLOSED
 * </pre>
 * A session ends when its client closes it, when it is idle past the timeout, when its peer stops
 * answering pings, or when the server stops; in every case the environment's {@code close()} runs once,
 * after any running call, and {@link #ended()} completes once. The session knows nothing of who uses it:
 * connections and the manager learn of its end from {@link #ended()}.
 *
 * <p>Every call the environment fails (it raised, or overran its time budget) leaves one WARNING line in
 * the server's log, whichever transport made the call: the session id, the failure's code and kind, its
 * message, and the stack trace.
 */
public final class Session {
    private static final System.Logger LOG = System.getLogger(Session.class.getName());

    /** Where a session came from; decides its strand and whether it takes a capacity slot. */
    public enum Kind {
        /** One WebSocket connection on {@code /ws} or {@code /mcp}. Takes a slot; runs on the connection's thread. */
        WEBSOCKET,
        /** An isolated HTTP session made by {@code X-OpenEnv-Session: new}. Takes a slot. */
        HTTP,
        /** The one shared HTTP session used by requests without a session header. Takes no slot. */
        HTTP_DEFAULT
    }

    /** Lifecycle of a session. */
    public enum Status { OPENING, OPEN, CLOSED }

    /** Why a session ended, and whether the server (not its client) decided it. */
    public record Ending(String reason, boolean byServer) {}

    /** A call into the environment. */
    @FunctionalInterface
    public interface EnvCall<T> {
        T apply(Environment<?, ?, ?> env) throws Exception;
    }

    private final String id;
    private final Kind kind;
    private final Strand strand;
    private final CompletableFuture<Ending> ended = new CompletableFuture<>();
    private final CompletableFuture<Void> environmentClosed = new CompletableFuture<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean attached = new AtomicBoolean();
    private volatile Status status = Status.OPENING;
    private volatile boolean abandoned; // a call overran its wait and was reported; its late end is not news
    private volatile long lastActivityNanos = System.nanoTime();
    private Environment<?, ?, ?> env; // touched only inside the strand

    Session(Kind kind) {
        this.kind = kind;
        this.id = kind == Kind.HTTP_DEFAULT ? "default" : UUID.randomUUID().toString();
        this.strand = kind == Kind.WEBSOCKET ? new Strand.CallerThread() : new Strand.OwnThread("openenv-session-" + id);
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

    /** Completes once, when the session ends, with why. */
    public CompletionStage<Ending> ended() {
        return ended;
    }

    /** Marks the session as used now (resets the idle timer). */
    public void touch() {
        lastActivityNanos = System.nanoTime();
    }

    /** How long the session has been idle: zero while a call is queued or running (a long step is not idleness) or a socket is attached. */
    long idleNanos(long now) {
        return inFlight.get() > 0 || attached.get() ? 0 : now - lastActivityNanos;
    }

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

    /**
     * Calls the environment after every call made before this one. A WebSocket session runs it before
     * returning (the future is complete).
     */
    public <T> CompletableFuture<T> call(EnvCall<T> work) {
        inFlight.incrementAndGet();
        CompletableFuture<T> result = strand.run(() -> work.apply(env));
        result.whenComplete((v, t) -> {
            lastActivityNanos = System.nanoTime();
            inFlight.decrementAndGet();
            if (t != null) {
                logIfTheEnvironmentFailed(t);
            }
        });
        return result;
    }

    /** Refusals (validation, closed session, unsupported task routes) are the client's business, not the log's. */
    private void logIfTheEnvironmentFailed(Throwable thrown) {
        Failure failure = Failure.of(thrown);
        if (!abandoned && (failure instanceof Failure.Execution || failure instanceof Failure.Timeout)) {
            logFailure(id, failure, thrown instanceof java.util.concurrent.CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown);
        }
    }

    /** The one shape of a failure's log line: {@code session ID: CODE (Kind): message}. */
    static void logFailure(String sessionId, Failure failure, Throwable cause) {
        LOG.log(System.Logger.Level.WARNING, "session " + sessionId + ": " + failure.code() + " ("
                + failure.getClass().getSimpleName() + "): " + failure.message(), cause);
    }

    /**
     * Reports a call given up on while it still runs (a step that ignored its timeout): logged now, since
     * the call may never end, and not again if it does. The caller then closes the session.
     */
    public void abandon(Failure failure, Throwable cause) {
        abandoned = true;
        logFailure(id, failure, cause);
    }

    /**
     * {@link #call} and wait for its value, up to {@code max} ({@code null}: no limit).
     *
     * @throws Exception        what the call threw
     * @throws TimeoutException when {@code max} passed first
     */
    public <T> T await(EnvCall<T> work, Duration max) throws Exception {
        var future = call(work);
        try {
            return max == null ? future.get() : future.get(max.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Builds the environment inside the strand; called once by the manager. */
    void open(Supplier<? extends Environment<?, ?, ?>> factory, Consumer<Environment<?, ?, ?>> prepare) throws Exception {
        strand.run(() -> {
            env = factory.get();
            prepare.accept(env);
            return null;
        }).get();
        status = Status.OPEN;
    }

    /**
     * Ends the session: later calls are refused, accepted ones still run, then the environment is closed
     * inside the strand and {@link #ended()} completes. Idempotent.
     *
     * @param byServer whether the server decided this (its client is then told why)
     */
    public void close(String reason, boolean byServer) {
        synchronized (this) {
            if (status == Status.CLOSED) {
                return;
            }
            status = Status.CLOSED;
        }
        ended.complete(new Ending(reason, byServer));
        strand.stop(this::closeEnvironment);
    }

    private void closeEnvironment() {
        try {
            if (env != null) {
                env.close();
            }
        } catch (Exception e) {
            System.getLogger(Session.class.getName()).log(System.Logger.Level.WARNING, "environment close failed in session " + id, e);
        } finally {
            env = null;
            environmentClosed.complete(null);
        }
    }

    /** Waits until the environment has been closed (for orderly shutdown); false when {@code max} passed first. */
    boolean awaitClosed(Duration max) throws InterruptedException {
        try {
            environmentClosed.get(max.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }
}
