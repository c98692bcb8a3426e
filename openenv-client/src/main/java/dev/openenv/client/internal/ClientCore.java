package dev.openenv.client.internal;

import dev.openenv.client.CapacityReachedException;
import dev.openenv.client.ClientOptions;
import dev.openenv.client.EnvClientException;
import dev.openenv.client.EnvProvider;
import dev.openenv.client.RunningEnv;
import dev.openenv.client.ServerErrorException;
import dev.openenv.client.SessionLostException;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.protocol.ClientMessage;
import dev.openenv.core.protocol.ServerMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the three clients share: URL handling, the session's wire, the messages they send and how their
 * replies are read (observation envelopes into step results, error replies into client exceptions),
 * reconnecting, blocking waits, and stopping a server the client started. Not API.
 */
public final class ClientCore implements AutoCloseable {
    private static final class SharedHttp {
        // Frames are handled right on the client's selector thread: the JDK's default executor costs
        // several thread hops per frame (measured: p50 328 us -> 108 us per step). Nothing on that
        // path blocks; callbacks of the async API are moved off it (see async()).
        static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Runnable::run).build();
        static final java.util.concurrent.Executor CALLBACKS =
                java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("openenv-client-callback").factory());
    }

    /** The HTTP client every client of this JVM shares (HTTP/1.1, frames handled on its selector thread). */
    public static HttpClient sharedHttp() {
        return SharedHttp.CLIENT;
    }

    /** HTTP clients for the TLS contexts clients were given: one per context, shared like {@link #sharedHttp()}. */
    private static final java.util.Map<javax.net.ssl.SSLContext, HttpClient> WITH_TLS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The shared HTTP client for {@code options}: the JVM-wide one, or the one for its TLS context. */
    public static HttpClient http(ClientOptions options) {
        if (options.sslContext() == null) {
            return SharedHttp.CLIENT;
        }
        return WITH_TLS.computeIfAbsent(options.sslContext(), ctx -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Runnable::run).sslContext(ctx).build());
    }

    private final URI httpBase;
    private final ClientOptions options;
    private final RunningEnv started; // null unless the client started its server: stopped on close
    private final McpHttpSession attached; // null unless the WebSocket speaks for a session held over /mcp
    private final WireCodec codec = WireCodec.standard();
    private Wire wire; // guarded by this
    private boolean closed; // guarded by this

    /** Connects to {@code baseUrl}; {@code started}, when not null, is the server to stop on {@link #close()}. */
    public ClientCore(String baseUrl, ClientOptions options, RunningEnv started) {
        this(httpBase(baseUrl), options, started, null);
    }

    /**
     * Connects a WebSocket that speaks for {@code attached}, a session held over {@code /mcp}
     * ({@code /ws?session_id=…}), as 0.10's production MCP client does; {@link #close()} ends that
     * session after the WebSocket, {@link #reconnect()} renews it.
     */
    public ClientCore(URI httpBase, ClientOptions options, RunningEnv started, McpHttpSession attached) {
        this.httpBase = httpBase;
        this.options = options;
        this.started = started;
        this.attached = attached;
        this.wire = open();
    }

    /**
     * Starts a server with {@code provider} and makes a client of it with {@code connect}; if that fails,
     * the server is stopped before the exception propagates.
     */
    public static <C> C start(EnvProvider provider, Function<RunningEnv, C> connect) {
        RunningEnv running = java.util.Objects.requireNonNull(provider, "provider").start();
        try {
            return connect.apply(running);
        } catch (RuntimeException e) {
            running.close();
            throw e;
        }
    }

    /** Sends a reset; completes with the result, its observation read by {@code observation}. */
    public <O> CompletableFuture<StepResult<O>> reset(ResetRequest request, Function<JsonNode, O> observation) {
        return observe(ClientMessage.Reset.of(java.util.Objects.requireNonNull(request, "request"), codec), observation);
    }

    /** Sends a reset with {@code data} as its arguments, as given. */
    public <O> CompletableFuture<StepResult<O>> reset(ObjectNode data, Function<JsonNode, O> observation) {
        return observe(new ClientMessage.Reset(data), observation);
    }

    /** Sends an action; completes with the result, its observation read by {@code observation}. */
    public <O> CompletableFuture<StepResult<O>> step(JsonNode action, Function<JsonNode, O> observation) {
        return observe(new ClientMessage.Step(action), observation);
    }

    private <O> CompletableFuture<StepResult<O>> observe(ClientMessage message, Function<JsonNode, O> observation) {
        return envelope(message).thenApply(env -> result(env, observation));
    }

    /**
     * Forks this client's session ({@code openenv/session/fork}, an extension of ours): {@code count} new
     * server sessions continuing the current episode; returns their ids.
     */
    public List<String> fork(int count) {
        ObjectNode request = JsonNodeFactory.instance.objectNode().put("jsonrpc", "2.0").put("id", 1).put("method", "openenv/session/fork");
        request.putObject("params").put("count", count);
        JsonNode reply = await(wire().send(new ClientMessage.Mcp(request)).thenApply(r -> switch (r) {
            case ServerMessage.Mcp m -> m.response();
            case ServerMessage.Error e -> throw sessionError(e);
            case ServerMessage.Observation o -> throw unexpected("mcp", r);
            case ServerMessage.State st -> throw unexpected("mcp", r);
        }));
        if (reply.has("error")) {
            throw new EnvClientException("fork failed: " + reply.path("error").path("message").asString("unknown error")
                    + " (JSON-RPC " + reply.path("error").path("code").asInt() + ")");
        }
        List<String> ids = new java.util.ArrayList<>();
        reply.path("result").path("session_ids").forEach(id -> ids.add(id.asString()));
        return ids;
    }

    /** A client core for a forked session: its WebSocket attached to {@code sessionId}, which closing ends. */
    public ClientCore forked(String sessionId) {
        McpHttpSession session = McpHttpSession.adopt(httpBase, options, sessionId);
        try {
            return new ClientCore(httpBase, options, null, session);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Asks for the state; completes with it as JSON. */
    public CompletableFuture<JsonNode> state() {
        return wire().send(new ClientMessage.State()).thenApply(reply -> switch (reply) {
            case ServerMessage.State s -> s.state();
            case ServerMessage.Observation o -> throw unexpected("state", reply);
            case ServerMessage.Mcp m -> throw unexpected("state", reply);
            case ServerMessage.Error e -> throw sessionError(e);
        });
    }

    private CompletableFuture<ObjectNode> envelope(ClientMessage message) {
        return wire().send(message).thenApply(reply -> switch (reply) {
            case ServerMessage.Observation o -> o.envelope();
            case ServerMessage.State s -> throw unexpected("observation", reply);
            case ServerMessage.Mcp m -> throw unexpected("observation", reply);
            case ServerMessage.Error e -> throw sessionError(e);
        });
    }

    private static SessionLostException unexpected(String wanted, ServerMessage got) {
        return new SessionLostException("Expected a reply of type " + wanted + ", the server sent " + got.type());
    }

    /**
     * The exception for an error the server reported about this session: {@code SESSION_ERROR} (the server is
     * shutting down, reaped the idle session, or has no such session) means the session is gone, so it is a
     * {@link SessionLostException} carrying the server's message, with the {@link ServerErrorException} as its
     * cause; the others as {@link #exception}.
     */
    private static RuntimeException sessionError(ServerMessage.Error error) {
        if (error.code() == dev.openenv.core.protocol.ErrorCode.SESSION_ERROR) {
            return new SessionLostException("The server ended the session: " + error.message(), new ServerErrorException(error));
        }
        return exception(error);
    }

    /** The client exception for an error the server reported: {@link CapacityReachedException} for a full server. */
    public static ServerErrorException exception(ServerMessage.Error error) {
        return switch (error.code()) {
            case CAPACITY_REACHED -> new CapacityReachedException(error);
            case INVALID_JSON, UNKNOWN_TYPE, VALIDATION_ERROR, EXECUTION_ERROR, FACTORY_ERROR, SESSION_ERROR, UNKNOWN ->
                    new ServerErrorException(error);
        };
    }

    /** A value of {@code type} from JSON, ignoring members the type does not declare, as the reference's clients do. */
    public static <T> T read(JsonNode node, Class<T> type) {
        return WireCodec.standard().mapper().readerFor(type)
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .readValue(node);
    }

    /**
     * A step result from an observation envelope, read leniently as the reference's clients do: a missing
     * reward is {@code null}, a boolean reward 1.0/0.0, a missing {@code done} false; metadata from the
     * top level, else from inside the observation, without null values.
     */
    private <O> StepResult<O> result(ObjectNode envelope, Function<JsonNode, O> observation) {
        JsonNode obs = envelope.path("observation");
        if (!obs.isObject()) {
            obs = JsonNodeFactory.instance.objectNode();
        }
        JsonNode r = envelope.path("reward");
        Double reward = r.isNumber() ? Double.valueOf(r.doubleValue()) : r.isBoolean() ? (r.booleanValue() ? 1.0 : 0.0) : null;
        boolean done = envelope.path("done").asBoolean(false);
        JsonNode meta = envelope.has("metadata") ? envelope.get("metadata") : obs.path("metadata");
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (meta.isObject()) {
            for (var e : meta.properties()) {
                Object value = codec.toPlain(e.getValue());
                if (value != null) {
                    metadata.put(e.getKey(), value);
                }
            }
        }
        return new StepResult<>(observation.apply(obs), reward, done, metadata);
    }

    /** {@code http(s)://host[:port][/prefix]} from any of the forms the reference accepts. */
    public static URI httpBase(String baseUrl) {
        String url = baseUrl.strip().replaceAll("/+$", "");
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("ws://")) {
            url = "http://" + url.substring(5);
        } else if (lower.startsWith("wss://")) {
            url = "https://" + url.substring(6);
        } else if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            url = "http://" + url;
        }
        return URI.create(url);
    }

    /** The session WebSocket URL: {@code ws(s)://host[:port][/prefix]/ws}. */
    public static URI webSocketUri(URI httpBase) {
        String s = httpBase.toString();
        return URI.create((s.startsWith("https://") ? "wss://" + s.substring(8) : "ws://" + s.substring(7)) + "/ws");
    }

    public URI baseUri() {
        return httpBase;
    }

    private Wire open() {
        URI ws = webSocketUri(httpBase);
        if (attached != null) {
            ws = URI.create(ws + "?session_id=" + java.net.URLEncoder.encode(attached.id(), java.nio.charset.StandardCharsets.UTF_8));
        } else if (options.transport() == ClientOptions.Transport.HTTP) {
            return new HttpWire(options, http(options), httpBase);
        }
        return options.transport() == ClientOptions.Transport.WEBSOCKET_JDK
                ? JdkWebSocketWire.connect(options, http(options), ws)
                : NettyWebSocketWire.connect(options, ws);
    }

    private synchronized Wire wire() {
        if (closed) {
            throw new EnvClientException("Client is closed");
        }
        return wire;
    }

    /** The wire, also after close (a reply sent before it may still be read). */
    private synchronized Wire currentWire() {
        return wire;
    }

    /** Drops the current session and opens a new one. */
    public synchronized void reconnect() {
        if (closed) {
            throw new EnvClientException("Client is closed");
        }
        wire.close();
        if (attached != null) {
            attached.renew();
        }
        wire = open();
    }

    /**
     * The future handed to callers of the async API: completed on a virtual thread, so their callbacks
     * never run on (and never block) the connection's selector thread.
     */
    public <T> CompletableFuture<T> async(CompletableFuture<T> internal) {
        currentWire().driveInBackground(internal);
        return internal.whenCompleteAsync((value, error) -> { }, SharedHttp.CALLBACKS);
    }

    /** Waits for a reply (reading it on this thread when the wire does so), rethrowing the client exception it failed with. */
    public <T> T await(CompletableFuture<T> future) {
        currentWire().drive(future);
        return awaitDone(future);
    }

    private static <T> T awaitDone(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvClientException("Interrupted while waiting for the server", e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    private static RuntimeException unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof RuntimeException r ? r : new EnvClientException(String.valueOf(t.getMessage()), t);
    }

    /** Ends the session, then stops the server if this client started it. Idempotent. */
    @Override
    public void close() {
        Wire last;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            last = wire;
        }
        try {
            last.close(); // detach first: the server refuses to close a session a WebSocket still speaks for
        } finally {
            try {
                if (attached != null) {
                    attached.close();
                }
            } finally {
                if (started != null) {
                    started.close();
                }
            }
        }
    }
}
