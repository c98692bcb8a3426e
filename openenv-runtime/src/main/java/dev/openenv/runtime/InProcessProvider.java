package dev.openenv.runtime;

import dev.openenv.client.EnvProvider;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentType;
import dev.openenv.runtime.internal.Lifecycle;
import dev.openenv.server.EnvServer;
import dev.openenv.server.ServerConfig;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Serves an environment in this JVM ({@link EnvServer}) on {@code 127.0.0.1} and an ephemeral port:
 * the fastest start, no isolation. Needs {@code dev.openenv:openenv-server} on the class path.
 *
 * <pre>{@code
 * try (var env = EnvClient.start(InProcessProvider.of(EchoEnvironment::new), echoType)) { … }
 * }</pre>
 *
 * @param factory the environment factory, one instance per session
 * @param type    the wire types, or null to learn them from one instance
 * @param config  applied to {@link ServerConfig#defaults()}; host and port are then forced to
 *                {@code 127.0.0.1} and 0
 * @param startup timeout, wait strategy (no log: the server logs where this JVM logs)
 */
public record InProcessProvider(
        Supplier<? extends Environment<?, ?, ?>> factory,
        EnvironmentType<?, ?, ?> type,
        UnaryOperator<ServerConfig> config,
        StartupOptions startup) implements EnvProvider {

    public InProcessProvider {
        Objects.requireNonNull(factory, "factory");
        config = config == null ? UnaryOperator.identity() : config;
        startup = startup == null ? StartupOptions.defaults() : startup;
    }

    /** Serves {@code factory} with default settings. */
    public static InProcessProvider of(Supplier<? extends Environment<?, ?, ?>> factory) {
        return new InProcessProvider(factory, null, null, null);
    }

    /** This provider with server settings changed, e.g. {@code c -> c.withMaxConcurrentEnvs(8)}. */
    public InProcessProvider withConfig(UnaryOperator<ServerConfig> config) {
        return new InProcessProvider(factory, type, config, startup);
    }

    public InProcessProvider withType(EnvironmentType<?, ?, ?> type) {
        return new InProcessProvider(factory, type, config, startup);
    }

    public InProcessProvider withStartup(StartupOptions startup) {
        return new InProcessProvider(factory, type, config, startup);
    }

    @Override
    public StartedEnv start() {
        return Lifecycle.start(startup, () -> {
            EnvServer server;
            try {
                server = build();
            } catch (RuntimeException e) {
                throw new ProviderStartException("in-process server could not start: " + e.getMessage(), e);
            }
            String baseUrl = server.baseUrl();
            String description = "in-process server on port " + server.port();
            return new Lifecycle.Launched() {
                public String baseUrl() {
                    return baseUrl;
                }

                public String description() {
                    return description;
                }

                public Optional<String> failure() {
                    return Optional.empty();
                }

                public String logs() {
                    return "";
                }

                public void stop() {
                    server.close();
                }
            };
        });
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private EnvServer build() {
        EnvServer.Builder builder = EnvServer.builder((Supplier) factory);
        if (type != null) {
            builder.types((EnvironmentType) type);
        }
        ServerConfig settings = config.apply(ServerConfig.defaults()).withHost("127.0.0.1").withPort(0);
        return builder.config(settings).start();
    }
}
