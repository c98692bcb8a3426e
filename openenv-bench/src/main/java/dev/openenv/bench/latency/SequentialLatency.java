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
    private SequentialLatency() {}

    /** Latencies in microseconds. */
    public record Result(String transport, int steps, double p50Micros, double p90Micros, double p99Micros, double p999Micros,
                         double maxMicros, double stepsPerSecond) {}

    public static Result measure(String url, ClientOptions.Transport transport, int steps, int warmup, Map<String, Object> action) {
        long[] nanos = new long[steps];
        try (var env = GenericEnvClient.connect(url, ClientOptions.defaults().withTransport(transport))) {
            env.reset();
            for (int i = 0; i < warmup; i++) {
                env.step(action);
            }
            long wall = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                long t = System.nanoTime();
                env.step(action);
                nanos[i] = System.nanoTime() - t;
            }
            wall = System.nanoTime() - wall;
            Arrays.sort(nanos);
            return new Result(transport == ClientOptions.Transport.HTTP ? "http" : "websocket", steps,
                    pct(nanos, 50), pct(nanos, 90), pct(nanos, 99), pct(nanos, 99.9), nanos[steps - 1] / 1e3, steps / (wall / 1e9));
        }
    }

    private static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e3;
    }
}
