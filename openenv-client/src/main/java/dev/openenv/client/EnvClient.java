package dev.openenv.client;

import dev.openenv.client.internal.ClientCore;
import dev.openenv.core.Action;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.State;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import dev.openenv.core.json.WireCodec;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A typed client for one environment session: records in, records out.
 *
 * <pre>{@code
 * var echo = EnvironmentType.of("echo", EchoAction.class, EchoObservation.class, BasicState.class);
 * try (var client = EnvClient.connect("http://localhost:8000", echo)) {
 *     client.reset();
 *     StepResult<EchoObservation> r = client.step(new EchoAction("Hello"));
 * }
 * }</pre>
 *
 * Each client holds one session (one WebSocket by default) and so one episode. Calls may come from
 * any thread; they are sent in call order and answered in that order. Every method has an
 * {@code …Async} twin returning a {@link CompletableFuture}. States:
 * <pre>
 *   open ──close()──▶ closed
 *     └──server closed or ended the session (SESSION_ERROR) / network failure / reply timeout──▶ lost
 *                                                                   └──reconnect()──▶ open (new session)
 * </pre>
 * In the lost state every call fails with {@link SessionLostException}; errors the server reports fail
 * with {@link ServerErrorException} (its {@code code()} is the protocol's), {@link CapacityReachedException}
 * when no session slot was free.
 */
public final class EnvClient<A extends Action, O, S extends State> extends SessionClient {
    private final EnvironmentType<A, O, S> type;
    private final WireCodec codec = WireCodec.standard();

    private EnvClient(String baseUrl, EnvironmentType<A, O, S> type, ClientOptions options, RunningEnv started) {
        super(baseUrl, options, started);
        this.type = type;
    }

    private EnvClient(ClientCore core, EnvironmentType<A, O, S> type) {
        super(core);
        this.type = type;
    }

    /**
     * Copies the current episode into {@code count} new sessions (an extension of ours: the server's
     * {@code openenv/session/fork}; the environment must be {@link dev.openenv.core.Forkable}) and returns a
     * client for each, at the same position; this client's episode is not touched. Closing a fork ends its
     * session. For tree search and GRPO-style branching.
     *
     * @throws EnvClientException when the environment cannot fork or the server lacks capacity for all of them
     */
    public List<EnvClient<A, O, S>> fork(int count) {
        List<EnvClient<A, O, S>> forks = new java.util.ArrayList<>();
        try {
            for (String id : core.fork(count)) {
                forks.add(new EnvClient<>(core.forked(id), type));
            }
        } catch (RuntimeException e) {
            forks.forEach(EnvClient::close);
            throw e;
        }
        return forks;
    }

    /** Connects to the server at {@code baseUrl} ({@code http://host:port}, {@code ws://…}, or {@code host:port}). */
    public static <A extends Action, O, S extends State> EnvClient<A, O, S> connect(String baseUrl, EnvironmentType<A, O, S> type) {
        return connect(baseUrl, type, ClientOptions.defaults());
    }

    /** Connects with explicit options (transport, timeouts, headers). */
    public static <A extends Action, O, S extends State> EnvClient<A, O, S> connect(
            String baseUrl, EnvironmentType<A, O, S> type, ClientOptions options) {
        Objects.requireNonNull(type, "type");   // before connecting: a failed check must not leave a session open
        return new EnvClient<>(baseUrl, type, options, null);
    }

    /**
     * Starts a server with {@code provider} (see {@code openenv-runtime}), waits until it is ready and
     * connects to it; closing the client then stops the server. If connecting fails, the server is
     * stopped before the exception propagates.
     */
    public static <A extends Action, O, S extends State> EnvClient<A, O, S> start(EnvProvider provider, EnvironmentType<A, O, S> type) {
        return start(provider, type, ClientOptions.defaults());
    }

    /** {@link #start(EnvProvider, EnvironmentType)} with explicit client options. */
    public static <A extends Action, O, S extends State> EnvClient<A, O, S> start(
            EnvProvider provider, EnvironmentType<A, O, S> type, ClientOptions options) {
        Objects.requireNonNull(type, "type");
        return ClientCore.start(provider, running -> new EnvClient<>(running.baseUrl(), type, options, running));
    }

    /** Starts an episode with nothing asked for. */
    public StepResult<O> reset() {
        return reset(ResetRequest.none());
    }

    /** Starts an episode with {@code seed}. */
    public StepResult<O> reset(long seed) {
        return reset(ResetRequest.seeded(seed));
    }

    /** Starts an episode: seed, episode id, task and options as {@code request} says. */
    public StepResult<O> reset(ResetRequest request) {
        return core.await(sendReset(request));
    }

    public StepResult<O> step(A action) {
        return core.await(sendStep(action));
    }

    public S state() {
        return core.await(sendState());
    }

    public CompletableFuture<StepResult<O>> resetAsync(ResetRequest request) {
        return core.async(sendReset(request));
    }

    public CompletableFuture<StepResult<O>> stepAsync(A action) {
        return core.async(sendStep(action));
    }

    public CompletableFuture<S> stateAsync() {
        return core.async(sendState());
    }

    private CompletableFuture<StepResult<O>> sendReset(ResetRequest request) {
        return core.reset(request, this::observation);
    }

    private CompletableFuture<StepResult<O>> sendStep(A action) {
        return core.step(codec.toTree(Objects.requireNonNull(action, "action")), this::observation);
    }

    private CompletableFuture<S> sendState() {
        return core.state().thenApply(s -> ClientCore.read(s, type.stateType()));
    }

    private O observation(tools.jackson.databind.JsonNode json) {
        return ClientCore.read(json, type.observationType());
    }
}
