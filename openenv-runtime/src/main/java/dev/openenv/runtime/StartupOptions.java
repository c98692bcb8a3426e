package dev.openenv.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What every provider does the same way while starting.
 *
 * @param timeout      how long starting and waiting may take in all (default 60 s)
 * @param waitStrategy when the server counts as ready (default {@link Wait#forReset()})
 * @param logConsumer  receives each line the server prints, as it prints it (default none); the
 *                     last lines are kept anyway for {@link StartedEnv#logs()} and error messages
 */
public record StartupOptions(Duration timeout, WaitStrategy waitStrategy, Consumer<String> logConsumer) {
    public StartupOptions {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(waitStrategy, "waitStrategy");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("startup timeout must be positive, got " + timeout);
        }
    }

    public static StartupOptions defaults() {
        return new StartupOptions(Duration.ofSeconds(60), Wait.forReset(), null);
    }

    public StartupOptions withTimeout(Duration timeout) {
        return new StartupOptions(timeout, waitStrategy, logConsumer);
    }

    public StartupOptions withWaitStrategy(WaitStrategy waitStrategy) {
        return new StartupOptions(timeout, waitStrategy, logConsumer);
    }

    public StartupOptions withLogConsumer(Consumer<String> logConsumer) {
        return new StartupOptions(timeout, waitStrategy, logConsumer);
    }
}
