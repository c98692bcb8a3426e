package dev.openenv.runtime;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What every provider is told the same way: how long starting may take, when the server counts as
 * ready, where its output goes, and — for the providers that launch a server (process, sandbox,
 * container, Kubernetes) — the server's environment variables and how long it gets to stop. Their
 * builders set it through {@link ProviderBuilder}; in-process and remote providers use the first three.
 *
 * @param timeout      how long starting and waiting may take in all (default 60 s)
 * @param waitStrategy when the server counts as ready (default {@link Wait#forReset()})
 * @param logConsumer  receives each line the server prints, as it prints it (default none); the
 *                     last lines are kept anyway for {@link StartedEnv#logs()} and error messages
 * @param environment  environment variables of the server (default none); what they are added to
 *                     is the provider's to say
 * @param stopTimeout  how long the server gets to exit after SIGTERM before it is killed (default 10 s)
 */
public record StartupOptions(Duration timeout, WaitStrategy waitStrategy, Consumer<String> logConsumer,
        Map<String, String> environment, Duration stopTimeout) {
    public StartupOptions {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(waitStrategy, "waitStrategy");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("startup timeout must be positive, got " + timeout);
        }
        if (stopTimeout.isNegative()) {
            throw new IllegalArgumentException("stop timeout must not be negative, got " + stopTimeout);
        }
        var env = new LinkedHashMap<String, String>();
        environment.forEach((k, v) -> env.put(Objects.requireNonNull(k, "name"), Objects.requireNonNull(v, "value")));
        environment = Collections.unmodifiableMap(env); // in the order given: later PORT overrides read as written
    }

    public static StartupOptions defaults() {
        return new StartupOptions(Duration.ofSeconds(60), Wait.forReset(), null, Map.of(), Duration.ofSeconds(10));
    }

    public StartupOptions withTimeout(Duration timeout) {
        return new StartupOptions(timeout, waitStrategy, logConsumer, environment, stopTimeout);
    }

    public StartupOptions withWaitStrategy(WaitStrategy waitStrategy) {
        return new StartupOptions(timeout, waitStrategy, logConsumer, environment, stopTimeout);
    }

    public StartupOptions withLogConsumer(Consumer<String> logConsumer) {
        return new StartupOptions(timeout, waitStrategy, logConsumer, environment, stopTimeout);
    }

    /** These options with {@code variables} added to (or replacing the same names of) the environment. */
    public StartupOptions withEnvironment(Map<String, String> variables) {
        var env = new LinkedHashMap<>(environment);
        env.putAll(variables);
        return new StartupOptions(timeout, waitStrategy, logConsumer, env, stopTimeout);
    }

    public StartupOptions withStopTimeout(Duration stopTimeout) {
        return new StartupOptions(timeout, waitStrategy, logConsumer, environment, stopTimeout);
    }
}
