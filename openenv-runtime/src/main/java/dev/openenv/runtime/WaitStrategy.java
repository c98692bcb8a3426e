package dev.openenv.runtime;

import java.time.Duration;

/**
 * Decides when a starting server is ready, like Testcontainers' {@code WaitStrategy}. Factories in
 * {@link Wait}; the default everywhere is {@link Wait#forReset()}, a real session round trip.
 */
@FunctionalInterface
public interface WaitStrategy {
    /**
     * Blocks until {@code target} is ready.
     *
     * @throws ProviderStartException when {@code timeout} passes first or the target fails; the
     *         provider then stops the server and adds its logs to the message
     */
    void waitUntilReady(WaitTarget target, Duration timeout);
}
