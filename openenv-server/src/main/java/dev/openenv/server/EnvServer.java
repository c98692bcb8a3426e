package dev.openenv.server;

import dev.openenv.core.Action;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.OpenEnvException;
import dev.openenv.core.State;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.mcp.McpEnvironment;
import dev.openenv.core.mcp.ToolMode;
import dev.openenv.server.http.HttpEndpoints;
import dev.openenv.server.mcp.McpFrames;
import dev.openenv.server.mcp.McpHttpEndpoint;
import dev.openenv.server.mcp.McpRpc;
import dev.openenv.server.metrics.MetricsEndpoint;
import dev.openenv.server.metrics.ServerMetrics;
import dev.openenv.server.recording.Recorder;
import dev.openenv.server.session.EnvironmentRunner;
import dev.openenv.server.session.SessionManager;
import dev.openenv.server.web.WebInterface;
import dev.openenv.server.ws.Connection;
import dev.openenv.server.ws.Heartbeat;
import dev.openenv.server.ws.WholeFrameUpgrader;
import dev.openenv.server.ws.WsFrames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Serves an environment over the OpenEnv protocol: HTTP routes and the {@code /ws} session protocol,
 * plus the browser UI at {@code /web} when {@link ServerConfig#webInterface()} is on.
 *
 * <pre>{@code
 * EnvServer.serve(EchoEnvironment::new);                        // env vars, port 8000, started
 * EnvServer server = EnvServer.builder(EchoEnvironment::new)
 *         .config(c -> c.withPort(0).withMaxConcurrentEnvs(64))
 *         .start();                                               // server.port(), server.close()
 * }</pre>
 *
 * Lifecycle: built → {@link #start() started} → {@link #close() closed}; closing ends every session
 * (environments closed, clients told {@code SESSION_ERROR}) and stops the listener. Not restartable.
 */
public final class EnvServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EnvServer.class.getName());
    private final Listener listener;
    private final int connectionCap;
    private final SessionManager sessions;
    private final Heartbeat heartbeat;
    private final ServerConfig config;
    private final Recorder recorder; // null unless episodes are recorded
    private final ServerMetrics metrics; // always counting; published at /metrics when the builder says so
    private final boolean tls;

    private EnvServer(Builder<?, ?, ?> b) {
        this.config = b.config;
        WireCodec codec = WireCodec.standard();
        EnvironmentType<?, ?, ?> type = b.type != null ? b.type : probeType(b.factory);
        ToolMode toolMode = config.mode() == ServerMode.PRODUCTION ? ToolMode.PRODUCTION : ToolMode.SIMULATION;
        this.metrics = new ServerMetrics(this::activeSessions);
        if (b.metrics) {
            metrics.publish();
        }
        this.sessions = new SessionManager(b.factory, type.name(), config.maxConcurrentEnvs(), config.idleTimeout(), env -> {
                    if (env instanceof McpEnvironment<?> mcpEnv) {
                        mcpEnv.serveIn(toolMode);
                    }
                }, metrics);
        McpRpc rpc = new McpRpc(sessions, codec, type.name(), metrics);
        this.recorder = b.recordDir == null ? null : new Recorder(b.recordDir, b.recordFileBytes);
        EnvironmentRunner runner = new EnvironmentRunner(type, codec, recorder, metrics);
        this.heartbeat = new Heartbeat(config.pingInterval(), Heartbeat.sendTimeoutFor(config.pingInterval()));
        var wsFrames = new WsFrames(runner, codec, config.stepTimeout(), rpc, metrics);
        var mcpFrames = new McpFrames(rpc, codec);
        HttpEndpoints http = new HttpEndpoints(sessions, runner, codec, config.stepTimeout(), config.mode(), metrics);
        McpHttpEndpoint mcpHttp = new McpHttpEndpoint(rpc, codec, metrics);
        WebInterface web = config.webInterface() ? new WebInterface() : null;
        WsConfig ws = WsConfig.builder().maxFrameLength(config.maxMessageBytes()).build();
        this.connectionCap = Listener.connectionCap();
        this.tls = b.tls != null;
        io.helidon.common.tls.Tls tlsConfig = b.tls == null ? null : b.tls.load(); // read once: a bad file fails here
        // A function of the port: the listener may have to be built again (Listener).
        this.listener = new Listener(port -> {
            var server = WebServer.builder()
                    .host(config.host())
                    .port(port)
                    .shutdownHook(false)
                    // Plain sockets: 8 KiB of buffers per connection instead of NIO's 16, and measured ~8 %
                    // more WebSocket steps/s (openenv-bench, N = 64) on these machines.
                    .useNio(false)
                    // Helidon leaves Nagle on. An HTTP response is written as headers then body, and the
                    // body then waits for the client's delayed ACK: 40 ms per keep-alive request.
                    .connectionOptions(o -> o.tcpNoDelay(true))
                    .addProtocol(ws)
                    // Helidon's own upgrade reads a large frame in quadratic time (WholeFrameUpgrader).
                    .addConnectionSelector(WholeFrameUpgrader.selector(ws, b.allowedOrigins, metrics))
                    .routing(routing -> {
                        b.allowedOrigins.registerCors(routing); // before the token: preflights carry none
                        b.authToken.ifPresent(t -> t.register(routing));
                        if (b.metrics) {
                            new MetricsEndpoint(metrics).register(routing);
                        }
                        http.register(routing);
                        mcpHttp.register(routing);
                        if (web != null) {
                            web.register(routing);
                        }
                        HttpEndpoints.registerNotFound(routing, metrics);
                    })
                    .addRouting(WsRouting.builder()
                            .endpoint("/ws", guarded(b.authToken, () -> new Connection(sessions, heartbeat, wsFrames, codec, config.maxMessageBytes(), metrics)))
                            .endpoint("/mcp", guarded(b.authToken, () -> new Connection(sessions, heartbeat, mcpFrames, codec, config.maxMessageBytes(), metrics))));
            if (tlsConfig != null) {
                server.tls(tlsConfig);
            }
            if (connectionCap > 0) {
                // Below the descriptor limit, so that idle connections cannot end the accept loop (Listener).
                server.maxTcpConnections(connectionCap);
            }
            return server.build();
        }, config.port(), config.host());
    }

    private static java.util.function.Supplier<io.helidon.websocket.WsListener> guarded(
            java.util.Optional<dev.openenv.server.http.BearerToken> token, java.util.function.Supplier<Connection> listeners) {
        return token.map(t -> t.guard(listeners)).orElse(listeners::get);
    }

    /** Builds and starts a server for {@code factory}, configured from the process environment. */
    public static <A extends Action, O, S extends State> EnvServer serve(Supplier<? extends Environment<A, O, S>> factory) {
        return builder(factory).start();
    }

    /** A builder for a server of {@code factory}; configuration starts from the process environment. */
    public static <A extends Action, O, S extends State> Builder<A, O, S> builder(Supplier<? extends Environment<A, O, S>> factory) {
        return new Builder<>(factory);
    }

    /** Starts listening. Returns this server. */
    public EnvServer start() {
        listener.start();
        LOG.log(System.Logger.Level.INFO, "openenv: listening on " + bindAddress()
                + (isWildcard(config.host()) ? " (all interfaces)" : "")
                + ", at most " + config.maxConcurrentEnvs() + " sessions"
                + (connectionCap > 0 ? " and " + connectionCap + " connections (file descriptor limit "
                        + Listener.descriptorLimit().orElse(-1) + ")" : ""));
        return this;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return listener.port();
    }

    /** {@code HOST:PORT} as bound: {@code 0.0.0.0:8000} when listening on all interfaces, unlike {@link #baseUrl()}. */
    public String bindAddress() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return host + ":" + port();
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::");
    }

    /** {@code http://HOST:PORT} to connect to, with 127.0.0.1 for a wildcard host (see {@link #bindAddress()}). */
    public String baseUrl() {
        String host = isWildcard(config.host()) ? "127.0.0.1" : config.host();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return (tls ? "https://" : "http://") + host + ":" + port();
    }

    public ServerConfig config() {
        return config;
    }

    /** Sessions currently holding a capacity slot. */
    public int activeSessions() {
        return sessions.activeSessions();
    }

    /** Ends every session, then stops listening. Idempotent. */
    @Override
    public void close() {
        sessions.close();
        heartbeat.awaitWrites(Duration.ofSeconds(2)); // each client told SESSION_ERROR before its socket closes
        heartbeat.close();
        listener.close();
        if (recorder != null) {
            recorder.close();
        }
        metrics.close();
    }

    private static EnvironmentType<?, ?, ?> probeType(Supplier<? extends Environment<?, ?, ?>> factory) {
        // Like the reference with a factory function: build one instance to learn its class.
        try (Environment<?, ?, ?> probe = factory.get()) {
            return EnvironmentType.fromClass(probe.getClass());
        } catch (RuntimeException e) {
            throw new OpenEnvException("cannot learn the environment's types from its factory; pass types(...) to the builder", e);
        }
    }

    /** Configures an {@link EnvServer}. */
    public static final class Builder<A extends Action, O, S extends State> {
        private final Supplier<? extends Environment<A, O, S>> factory;
        private EnvironmentType<A, O, S> type;
        private ServerConfig config = ServerConfig.fromEnvironment(System.getenv());
        private java.util.Optional<dev.openenv.server.http.BearerToken> authToken =
                dev.openenv.server.http.BearerToken.fromEnvironment(System.getenv());
        private java.nio.file.Path recordDir = recordDirFrom(System.getenv());
        private long recordFileBytes = recordFileBytesFrom(System.getenv());
        private TlsFiles tls = TlsFiles.fromEnvironment(System.getenv()).orElse(null);
        private dev.openenv.server.http.AllowedOrigins allowedOrigins =
                dev.openenv.server.http.AllowedOrigins.fromEnvironment(System.getenv());
        private boolean metrics = ServerConfig.isTrue(System.getenv().getOrDefault("OPENENV_METRICS", "true"));

        private Builder(Supplier<? extends Environment<A, O, S>> factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
        }

        /**
         * Records every episode (each reset and step, with ids, timing, observation, reward) as JSON Lines
         * in {@code dir}, off the step path, a new file every {@code maxFileBytes}. The default comes from
         * {@code OPENENV_RECORD_DIR} and {@code OPENENV_RECORD_MAX_MB} (64); {@code null} turns it off.
         */
        public Builder<A, O, S> record(java.nio.file.Path dir, long maxFileBytes) {
            this.recordDir = dir;
            this.recordFileBytes = maxFileBytes;
            return this;
        }

        /** {@link #record(java.nio.file.Path, long)} with files of at most 64 MiB. */
        public Builder<A, O, S> record(java.nio.file.Path dir) {
            return record(dir, 64L << 20);
        }

        private static java.nio.file.Path recordDirFrom(java.util.Map<String, String> env) {
            String dir = env.get("OPENENV_RECORD_DIR");
            return dir == null || dir.isBlank() ? null : java.nio.file.Path.of(dir.strip());
        }

        private static long recordFileBytesFrom(java.util.Map<String, String> env) {
            String mb = env.get("OPENENV_RECORD_MAX_MB");
            if (mb == null || mb.isBlank()) {
                return 64L << 20;
            }
            try {
                return Long.parseLong(mb.strip()) << 20;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("OPENENV_RECORD_MAX_MB must be an integer, got '" + mb + "'", e);
            }
        }

        /**
         * Serves Prometheus metrics at {@code GET /metrics} (default on; {@code OPENENV_METRICS=false} turns it off).
         */
        public Builder<A, O, S> metrics(boolean on) {
            this.metrics = on;
            return this;
        }

        /**
         * Requires {@code Authorization: Bearer <token>} on every route but {@code /health} and on every
         * WebSocket upgrade (default: {@code OPENENV_AUTH_TOKEN}, else none); null turns it off.
         */
        public Builder<A, O, S> authToken(String token) {
            this.authToken = java.util.Optional.ofNullable(token).map(dev.openenv.server.http.BearerToken::new);
            return this;
        }

        /**
         * Browser origins allowed besides the server's own, on WebSocket upgrades (else 403) and as CORS on
         * HTTP: {@code "https://trainer.example.org"}, or {@code "*"} for any (default: {@code OPENENV_ALLOWED_ORIGINS},
         * comma separated, else none).
         *
         * @throws IllegalArgumentException when one is not {@code scheme://host[:port]} or {@code *}
         */
        public Builder<A, O, S> allowedOrigins(String... origins) {
            this.allowedOrigins = dev.openenv.server.http.AllowedOrigins.of(java.util.List.of(origins));
            return this;
        }

        /**
         * Serves HTTPS and {@code wss://} with the certificate chain and private key in these PEM files
         * (default: {@code OPENENV_TLS_CERT} and {@code OPENENV_TLS_KEY}, else plain HTTP); nulls turn TLS off.
         * The files are read when the server is built: a missing or unreadable one fails there.
         */
        public Builder<A, O, S> tls(java.nio.file.Path certChainPem, java.nio.file.Path privateKeyPem) {
            this.tls = certChainPem == null && privateKeyPem == null ? null : new TlsFiles(certChainPem, privateKeyPem);
            return this;
        }

        /** The wire types, so the server need not build an instance to learn them. */
        public Builder<A, O, S> types(EnvironmentType<A, O, S> type) {
            this.type = type;
            return this;
        }

        /** Replaces the configuration. */
        public Builder<A, O, S> config(ServerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Adjusts the configuration: {@code .config(c -> c.withPort(0))}. */
        public Builder<A, O, S> config(java.util.function.UnaryOperator<ServerConfig> change) {
            this.config = change.apply(config);
            return this;
        }

        /** Builds the server without starting it. */
        public EnvServer build() {
            return new EnvServer(this);
        }

        /** Builds and starts the server. */
        public EnvServer start() {
            return build().start();
        }
    }
}
