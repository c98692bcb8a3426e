package dev.openenv.client;

import dev.openenv.client.internal.ClientCore;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import dev.openenv.core.json.WireCodec;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A client for any environment, with actions, observations and states as JSON maps — for servers
 * whose types you have no Java records for. Same session, threading and error behaviour as
 * {@link EnvClient}.
 *
 * <pre>{@code
 * try (var env = GenericEnvClient.connect("http://localhost:8000")) {
 *     env.reset();
 *     var r = env.step(Map.of("message", "Hello"));   // r.observation().get("echoed_message")
 * }
 * }</pre>
 */
public final class GenericEnvClient extends SessionClient {
    private final WireCodec codec = WireCodec.standard();

    private GenericEnvClient(String baseUrl, ClientOptions options, RunningEnv started) {
        super(baseUrl, options, started);
    }

    private GenericEnvClient(ClientCore core) {
        super(core);
    }

    /** {@link EnvClient#fork(int)} for JSON maps: a client for each of {@code count} copies of the current episode. */
    public java.util.List<GenericEnvClient> fork(int count) {
        java.util.List<GenericEnvClient> forks = new java.util.ArrayList<>();
        try {
            for (String id : core.fork(count)) {
                forks.add(new GenericEnvClient(core.forked(id)));
            }
        } catch (RuntimeException e) {
            forks.forEach(GenericEnvClient::close);
            throw e;
        }
        return forks;
    }

    /** Connects to the server at {@code baseUrl} ({@code http://host:port}, {@code ws://…}, or {@code host:port}). */
    public static GenericEnvClient connect(String baseUrl) {
        return connect(baseUrl, ClientOptions.defaults());
    }

    /** Connects with explicit options (transport, timeouts, headers). */
    public static GenericEnvClient connect(String baseUrl, ClientOptions options) {
        return new GenericEnvClient(baseUrl, options, null);
    }

    /**
     * Starts a server with {@code provider}, waits until it is ready and connects to it; closing the
     * client then stops the server (as {@link EnvClient#start(EnvProvider, dev.openenv.core.EnvironmentType)}).
     */
    public static GenericEnvClient start(EnvProvider provider) {
        return start(provider, ClientOptions.defaults());
    }

    /** {@link #start(EnvProvider)} with explicit client options. */
    public static GenericEnvClient start(EnvProvider provider, ClientOptions options) {
        return ClientCore.start(provider, running -> new GenericEnvClient(running.baseUrl(), options, running));
    }

    public StepResult<Map<String, Object>> reset() {
        return reset(Map.of());
    }

    /** Starts an episode; the map's entries ({@code seed}, {@code episode_id}, anything else) are sent as-is. */
    public StepResult<Map<String, Object>> reset(Map<String, ?> arguments) {
        return core.await(sendReset(arguments));
    }

    /** Starts an episode as {@code request} says (the same members as {@link EnvClient#reset(ResetRequest)} sends). */
    public StepResult<Map<String, Object>> reset(ResetRequest request) {
        return reset(request.toWire());
    }

    public StepResult<Map<String, Object>> step(Map<String, ?> action) {
        return core.await(sendStep(action));
    }

    public Map<String, Object> state() {
        return core.await(sendState());
    }

    public CompletableFuture<StepResult<Map<String, Object>>> resetAsync(Map<String, ?> arguments) {
        return core.async(sendReset(arguments));
    }

    public CompletableFuture<StepResult<Map<String, Object>>> stepAsync(Map<String, ?> action) {
        return core.async(sendStep(action));
    }

    public CompletableFuture<Map<String, Object>> stateAsync() {
        return core.async(sendState());
    }

    private CompletableFuture<StepResult<Map<String, Object>>> sendReset(Map<String, ?> arguments) {
        return core.reset(codec.object(arguments == null ? Map.of() : arguments), this::plainMap);
    }

    private CompletableFuture<StepResult<Map<String, Object>>> sendStep(Map<String, ?> action) {
        return core.step(codec.object(Objects.requireNonNull(action, "action")), this::plainMap);
    }

    private CompletableFuture<Map<String, Object>> sendState() {
        return core.state().thenApply(this::plainMap);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> plainMap(tools.jackson.databind.JsonNode node) {
        Object plain = codec.toPlain(node);
        return plain instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
