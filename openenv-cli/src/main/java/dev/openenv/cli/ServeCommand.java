package dev.openenv.cli;

import dev.openenv.envs.BundledEnvironments;
import dev.openenv.server.EnvServer;
import dev.openenv.server.ServerConfig;
import dev.openenv.server.ServerMode;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import java.util.List;

/**
 * {@code openenv serve NAME}: serves a bundled environment until interrupted. Options override the
 * environment variables the reference uses ({@code HOST}, {@code PORT}, {@code MAX_CONCURRENT_ENVS}).
 */
@Parameters(commandDescription = "Serve a bundled environment (see 'openenv list').")
final class ServeCommand {
    /** Sessions allowed when neither the option nor MAX_CONCURRENT_ENVS says otherwise. */
    static final int DEFAULT_SESSIONS = 64;
    /** What {@link #call()} returns once the server is up: the JVM then lives until it is stopped. */
    static final int SERVING = -1;

    @Parameter(description = "ENV (environment name, e.g. echo)")
    List<String> names;

    @Parameter(names = "--host", description = "Interface to bind (default: $HOST or 127.0.0.1; images set HOST=0.0.0.0).")
    String host;

    @Parameter(names = "--port", description = "Port (default: $PORT or 8000; 0 picks a free one).")
    Integer port;

    @Parameter(names = "--max-concurrent-envs", description = "Most sessions at once (default: $MAX_CONCURRENT_ENVS or 64).")
    Integer maxConcurrentEnvs;

    @Parameter(names = "--mode", description = "simulation or production (default: simulation).")
    String mode;

    @Parameter(names = "--web", description = "Serve the browser UI at /web (the default, unless ENABLE_WEB_INTERFACE says otherwise).")
    boolean web;

    @Parameter(names = "--no-web", description = "Do not serve the browser UI.")
    boolean noWeb;

    @Parameter(names = "--log-level", description = "error, warning, info, debug or trace (default: $OPENENV_LOG_LEVEL or info).")
    String logLevel;

    @Parameter(names = "--allowed-origin", description = "A browser origin allowed besides the server's own, e.g. https://app.example.org, "
            + "or * (repeatable; default: $OPENENV_ALLOWED_ORIGINS, comma separated).")
    List<String> allowedOrigins;

    @Parameter(names = "--tls-cert", description = "PEM certificate chain: serve https:// and wss:// (with --tls-key; default: $OPENENV_TLS_CERT).")
    java.nio.file.Path tlsCert;

    @Parameter(names = "--tls-key", description = "PEM private key of --tls-cert (default: $OPENENV_TLS_KEY).")
    java.nio.file.Path tlsKey;

    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help.")
    boolean help;

    int call() {
        if (names == null || names.size() != 1) {
            System.err.println("openenv: serve takes exactly one environment name (see 'openenv list')");
            return 2;
        }
        if (web && noWeb) {
            System.err.println("openenv: --web and --no-web contradict each other");
            return 2;
        }
        String name = names.get(0);
        var entry = BundledEnvironments.find(name).orElse(null);
        if (entry == null) {
            System.err.println("openenv: unknown environment '" + name + "'. Known: "
                    + BundledEnvironments.all().stream().map(BundledEnvironments.Entry::name).toList());
            return 2;
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            System.err.println("openenv: --tls-cert and --tls-key go together");
            return 2;
        }
        ServerConfig config;
        try {
            var env = System.getenv();
            String level = logLevel != null ? logLevel : env.getOrDefault(Logging.VARIABLE, "info");
            Logging.configure(Logging.parse(level));
            config = ServerConfig.fromEnvironment(env);
            if (!env.containsKey("HOST")) {
                // Loopback unless asked: 'serve coding' runs code for whoever can reach the port.
                config = config.withHost("127.0.0.1");
            }
            if (!env.containsKey("MAX_CONCURRENT_ENVS")) {
                config = config.withMaxConcurrentEnvs(DEFAULT_SESSIONS);
            }
            if (!env.containsKey("ENABLE_WEB_INTERFACE")) {
                config = config.withWebInterface(true);
            }
            if (web || noWeb) {
                config = config.withWebInterface(web);
            }
            if (host != null) {
                config = config.withHost(host);
            }
            if (port != null) {
                config = config.withPort(port);
            }
            if (maxConcurrentEnvs != null) {
                config = config.withMaxConcurrentEnvs(maxConcurrentEnvs);
            }
            if (mode != null) {
                config = config.withMode(ServerMode.parse(mode));
            }
            if (!entry.concurrentSessions() && config.maxConcurrentEnvs() > 1) {
                System.err.println("openenv: '" + name + "' does not support concurrent sessions; serving one at a time");
                config = config.withMaxConcurrentEnvs(1);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("openenv: " + e.getMessage());
            return 2;
        }
        String token = System.getenv("OPENENV_AUTH_TOKEN"); // EnvServer reads it too
        if (!isLoopback(config.host()) && (token == null || token.isBlank())) {
            System.err.println("openenv: warning: listening on " + config.host() + " without a token: anyone who can reach this port"
                    + " can open sessions" + (name.equals("coding") ? " and run code" : ""));
        }
        String address = config.host() + ":" + config.port();
        if (config.port() != 0) {
            // Helidon reports a taken port with a stack trace and a server on port -1: ask the OS first.
            String taken = portTaken(config.host(), config.port());
            if (taken != null) {
                System.err.println("openenv: cannot listen on " + address + ": " + taken);
                return 1;
            }
        }
        EnvServer server;
        try {
            server = start(entry, config, allowedOrigins, tlsCert, tlsKey);
        } catch (IllegalArgumentException | dev.openenv.core.OpenEnvException e) {
            System.err.println("openenv: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            System.err.println("openenv: cannot listen on " + address + ": " + e.getMessage());
            return 1;
        }
        if (server.port() <= 0) {
            server.close();
            System.err.println("openenv: cannot listen on " + address + " (is the port already in use?)");
            return 1;
        }
        System.out.println("openenv: serving '" + name + "' on " + server.baseUrl() + " (WebSocket "
                + server.baseUrl().replaceFirst("^http", "ws") + "/ws, max " + config.maxConcurrentEnvs() + " sessions)"
                + (config.webInterface() ? "; play it in a browser at " + server.baseUrl() + "/web/" : ""));
        // Serve until the JVM is told to stop (SIGINT/SIGTERM), then close every session cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "openenv-shutdown"));
        return SERVING;
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * Why {@code host:port} cannot be listened on, or null when it can. The probe binds a socket without
     * listening: a ServerSocket listens from bind() on, so a client polling for readiness could connect
     * in that instant and be reset as the probe closed.
     */
    static String portTaken(String host, int port) {
        try (var probe = new java.net.Socket()) {
            probe.setReuseAddress(true);   // as the server's own socket: connections in TIME_WAIT do not hold the port
            probe.bind(new java.net.InetSocketAddress(host, port));
            return null;
        } catch (java.io.IOException e) {
            return e.getMessage();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static EnvServer start(BundledEnvironments.Entry<?, ?, ?> entry, ServerConfig config, List<String> origins,
                                   java.nio.file.Path tlsCert, java.nio.file.Path tlsKey) {
        BundledEnvironments.Entry raw = entry;
        EnvServer.Builder builder = EnvServer.builder(raw.factory()).types(raw.type()).config(config);
        if (origins != null) {
            builder.allowedOrigins(origins.toArray(String[]::new));
        }
        if (tlsCert != null) {
            builder.tls(tlsCert, tlsKey);
        }
        return builder.start();
    }

}
