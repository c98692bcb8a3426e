package dev.openenv.bench.latency;

import dev.openenv.client.ClientOptions;
import dev.openenv.client.GenericEnvClient;
import java.util.Arrays;
import java.util.Map;

/**
 * Sequential single-session step latency against any OpenEnv server, over WebSocket or HTTP: one
 * client, reset, warm-up steps, then {@code steps} timed steps, one at a time.
 */
public final class SequentialLatency {
    /** A server that takes 40 ms per request (Nagle + delayed ACK) would take 8 minutes for 12,000: stop at this. */
    static final java.time.Duration MAX_RUN = java.time.Duration.ofSeconds(60);

    private SequentialLatency() {}

    /** Latencies in microseconds, of the steps that were answered; {@code failures} counts those that were not. */
    public record Result(String transport, int steps, double p50Micros, double p90Micros, double p99Micros, double p999Micros,
                         double maxMicros, double stepsPerSecond, int failures, double clientCpuMicrosPerStep) {}

    public static Result measure(String url, ClientOptions.Transport transport, int steps, int warmup, Map<String, Object> action) {
        long[] nanos = new long[steps];
        var options = ClientOptions.defaults().withTransport(transport).withReplyTimeout(java.time.Duration.ofSeconds(10));
        try (var env = GenericEnvClient.connect(url, options)) {
            env.reset();
            long warmupEnd = System.nanoTime() + MAX_RUN.toNanos() / 3;
            for (int i = 0; i < warmup && System.nanoTime() < warmupEnd; i++) {
                env.step(action);
            }
            int failures = 0;
            int done = 0;
            long cpu = ownCpuNanos();
            long wall = System.nanoTime();
            long deadline = wall + MAX_RUN.toNanos();
            for (int i = 0; i < steps && System.nanoTime() < deadline; i++) {
                long t = System.nanoTime();
                try {
                    env.step(action);
                    nanos[done++] = System.nanoTime() - t;
                } catch (RuntimeException e) {
                    // A step that times out or fails is counted, not timed; too many and the run is void.
                    if (++failures > Math.max(10, steps / 100)) {
                        throw new IllegalStateException(failures + " failed steps; the last: " + e.getMessage(), e);
                    }
                }
            }
            wall = System.nanoTime() - wall;
            cpu = ownCpuNanos() - cpu;
            long[] ok = Arrays.copyOf(nanos, done);
            Arrays.sort(ok);
            return new Result(transport.name().toLowerCase(java.util.Locale.ROOT), done + failures,
                    pct(ok, 50), pct(ok, 90), pct(ok, 99), pct(ok, 99.9), ok[done - 1] / 1e3, done / (wall / 1e9), failures,
                    cpu / 1e3 / Math.max(1, done));
        }
    }

    /** CPU time of this whole process (every thread: the client's I/O thread included). */
    private static long ownCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    private static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e3;
    }
}
