package dev.openenv.bench;

import dev.openenv.client.ClientOptions;
import dev.openenv.client.GenericEnvClient;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Sequential single-session step latency against any OpenEnv server, over WebSocket or HTTP:
 * one client, reset, warm-up steps, then N timed steps of the echo action, one at a time.
 *
 * <pre>java -jar openenv-bench.jar http://127.0.0.1:8000 [steps=10000] [websocket|http] [warmup=2000]</pre>
 * Prints p50/p90/p99/p99.9/max in microseconds and steps per second.
 */
public final class SequentialLatency {
    private SequentialLatency() {}

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:8000";
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        var transport = args.length > 2 ? ClientOptions.Transport.valueOf(args[2].toUpperCase(Locale.ROOT)) : ClientOptions.Transport.WEBSOCKET;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 2_000;
        long[] nanos = new long[steps];
        Map<String, Object> action = Map.of("message", "Hello");
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
            System.out.printf(Locale.ROOT, "%s %s steps=%d warmup=%d p50=%.0fus p90=%.0fus p99=%.0fus p99.9=%.0fus max=%.0fus rate=%.0f steps/s%n",
                    url, transport.name().toLowerCase(Locale.ROOT), steps, warmup,
                    pct(nanos, 50), pct(nanos, 90), pct(nanos, 99), pct(nanos, 99.9), nanos[steps - 1] / 1e3,
                    steps / (wall / 1e9));
        }
    }

    private static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e3;
    }
}
