package dev.openenv.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The settings every launching provider's builder shares ({@link ProcessProvider},
 * {@link SandboxProvider}, {@link ContainerProvider}, {@link KubernetesProvider}), kept in one
 * {@link StartupOptions}. Each setter returns the concrete builder, so calls chain in any order:
 * {@code ContainerProvider.builder(image).env("MAX_CONCURRENT_ENVS", "8").startupTimeout(d).build()}.
 *
 * @param <B> the concrete builder
 */
public abstract sealed class ProviderBuilder<B extends ProviderBuilder<B>>
        permits ProcessProvider.Builder, SandboxProvider.Builder, ContainerProvider.Builder, KubernetesProvider.Builder {
    /** What the provider is built with; starts as the provider's defaults. */
    StartupOptions startup;

    ProviderBuilder(StartupOptions defaults) {
        this.startup = Objects.requireNonNull(defaults, "defaults");
    }

    /** Sets an environment variable of the server, e.g. {@code MAX_CONCURRENT_ENVS}. */
    public final B env(String name, String value) {
        return env(Map.of(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")));
    }

    public final B env(Map<String, String> variables) {
        return startup(s -> s.withEnvironment(variables));
    }

    /** How long starting and waiting until ready may take in all. */
    public final B startupTimeout(Duration timeout) {
        return startup(s -> s.withTimeout(timeout));
    }

    /** When the server counts as ready (default: a reset round trip, {@link Wait#forReset()}). */
    public final B waitingFor(WaitStrategy strategy) {
        return startup(s -> s.withWaitStrategy(strategy));
    }

    /** Receives each line the server prints, as it prints it. */
    public final B logConsumer(Consumer<String> consumer) {
        return startup(s -> s.withLogConsumer(consumer));
    }

    /** How long the server gets to exit after SIGTERM (a Pod: its grace period) before it is killed. */
    public final B stopTimeout(Duration timeout) {
        return startup(s -> s.withStopTimeout(timeout));
    }

    /** Changes the options at once, e.g. {@code startup(s -> s.withTimeout(d).withWaitStrategy(w))}. */
    public final B startup(UnaryOperator<StartupOptions> change) {
        startup = Objects.requireNonNull(change.apply(startup), "startup options");
        @SuppressWarnings("unchecked")
        B self = (B) this;
        return self;
    }
}
