package dev.openenv.cli;

import dev.openenv.envs.BundledEnvironments;
import dev.openenv.server.EnvServer;
import dev.openenv.server.ServerConfig;
import dev.openenv.server.ServerMode;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code openenv serve NAME}: serves a bundled environment until interrupted. Options override the
 * environment variables the reference uses ({@code HOST}, {@code PORT}, {@code MAX_CONCURRENT_ENVS}).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve a bundled environment (see 'openenv list').")
final class ServeCommand implements Callable<Integer> {
    /** Sessions allowed when neither the option nor MAX_CONCURRENT_ENVS says otherwise. */
    static final int DEFAULT_SESSIONS = 64;

    @Parameters(index = "0", paramLabel = "ENV", description = "Environment name, e.g. echo.")
    String name;

    @Option(names = "--host", description = "Interface to bind (default: $HOST or 0.0.0.0).")
    String host;

    @Option(names = "--port", description = "Port (default: $PORT or 8000; 0 picks a free one).")
    Integer port;

    @Option(names = "--max-concurrent-envs", description = "Most sessions at once (default: $MAX_CONCURRENT_ENVS or 64).")
    Integer maxConcurrentEnvs;

    @Option(names = "--mode", description = "simulation or production (default: simulation).")
    String mode;

    @Option(names = "--web", negatable = true, description = "Serve the browser UI at /web (default: on, unless ENABLE_WEB_INTERFACE says otherwise).")
    Boolean web;

    @Override
    public Integer call() throws InterruptedException {
        var entry = BundledEnvironments.find(name).orElse(null);
        if (entry == null) {
            System.err.println("openenv: unknown environment '" + name + "'. Known: "
                    + BundledEnvironments.all().stream().map(BundledEnvironments.Entry::name).toList());
            return 2;
        }
        ServerConfig config;
        try {
            var env = System.getenv();
            config = ServerConfig.fromEnvironment(env);
            if (!env.containsKey("MAX_CONCURRENT_ENVS")) {
                config = config.withMaxConcurrentEnvs(DEFAULT_SESSIONS);
            }
            if (!env.containsKey("ENABLE_WEB_INTERFACE")) {
                config = config.withWebInterface(true);
            }
            if (web != null) {
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
        EnvServer server = start(entry, config);
        System.out.println("openenv: serving '" + name + "' on " + server.baseUrl() + " (WebSocket "
                + server.baseUrl().replace("http://", "ws://") + "/ws, max " + config.maxConcurrentEnvs() + " sessions)"
                + (config.webInterface() ? "; play it in a browser at " + server.baseUrl() + "/web/" : ""));
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "openenv-shutdown"));
        stopped.await();
        return 0;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static EnvServer start(BundledEnvironments.Entry<?, ?, ?> entry, ServerConfig config) {
        BundledEnvironments.Entry raw = entry;
        return EnvServer.builder(raw.factory()).types(raw.type()).config(config).start();
    }

}
