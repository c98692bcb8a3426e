package dev.openenv.runtime.internal;

import dev.openenv.runtime.ProviderStartException;
import dev.openenv.runtime.StartedEnv;
import dev.openenv.runtime.StartupOptions;
import dev.openenv.runtime.WaitTarget;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The one start sequence every provider goes through: launch → shutdown hook → wait until ready →
 * running; on any failure the launched server is stopped and a {@link ProviderStartException}
 * carrying its logs is thrown.
 */
public final class Lifecycle {
    private static final System.Logger LOG = System.getLogger("dev.openenv.runtime");

    private Lifecycle() {}

    /** What a provider launched: the provider-specific half of a {@link StartedEnv}. */
    public interface Launched {
        String baseUrl();

        String description();

        /** Empty while alive; why not, once it is dead. */
        Optional<String> failure();

        String logs();

        /** Stops and removes everything launched. Idempotent; may throw, callers log it. */
        void stop();
    }

    public static StartedEnv start(StartupOptions startup, Supplier<Launched> launch) {
        long t0 = System.nanoTime();
        Launched launched = launch.get();
        var running = new Running(launched);
        try {
            Runtime.getRuntime().addShutdownHook(running.hook);
        } catch (IllegalStateException e) {
            running.stopQuietly();
            throw new ProviderStartException("the JVM is shutting down; not starting " + launched.description(), e);
        }
        try {
            startup.waitStrategy().waitUntilReady(new WaitTarget() {
                public String baseUrl() {
                    return launched.baseUrl();
                }

                public Optional<String> failure() {
                    return launched.failure();
                }
            }, startup.timeout());
        } catch (RuntimeException | Error e) {
            String logs = launched.logs();
            running.close();
            // Logs printed while stopping explain as much as those before.
            String after = launched.logs();
            throw new ProviderStartException(launched.description() + ": " + e.getMessage(),
                    after.length() >= logs.length() ? after : logs, e);
        }
        running.startupTime = Duration.ofNanos(System.nanoTime() - t0);
        return running;
    }

    private static final class Running implements StartedEnv {
        private final Launched launched;
        private final AtomicBoolean closed = new AtomicBoolean();
        final Thread hook;
        volatile Duration startupTime = Duration.ZERO;

        Running(Launched launched) {
            this.launched = launched;
            this.hook = new Thread(this::stopQuietly, "openenv-provider-shutdown");
        }

        @Override
        public String baseUrl() {
            return launched.baseUrl();
        }

        @Override
        public String description() {
            return launched.description();
        }

        @Override
        public boolean isRunning() {
            return !closed.get() && launched.failure().isEmpty();
        }

        @Override
        public String logs() {
            return launched.logs();
        }

        @Override
        public Duration startupTime() {
            return startupTime;
        }

        @Override
        public void close() {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it stops the server
            }
            stopQuietly();
        }

        void stopQuietly() {
            if (closed.compareAndSet(false, true)) {
                try {
                    launched.stop();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "could not stop " + launched.description(), e);
                }
            }
        }

        @Override
        public String toString() {
            return launched.description() + " at " + launched.baseUrl();
        }
    }
}
