package dev.openenv.bench;

import dev.openenv.bench.compare.Compare;
import dev.openenv.bench.latency.McpLatency;
import dev.openenv.bench.latency.SequentialLatency;
import dev.openenv.bench.load.LoadGenerator;
import dev.openenv.client.ClientOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar openenv-bench.jar <command>}: load generators that speak only the OpenEnv wire
 * protocol, so they measure any server (ours or the Python reference) with the same code, and the
 * side-by-side comparison. JMH micro-benchmarks: {@code java -cp openenv-bench.jar org.openjdk.jmh.Main}.
 */
@Command(name = "openenv-bench", mixinStandardHelpOptions = true,
        subcommands = {Main.Load.class, Main.Latency.class, Main.McpLatencyCommand.class, Compare.class, Compare.Rewrite.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "N concurrent WebSocket sessions, each reset then K steps of the benchmark action.")
    static final class Load implements Callable<Integer> {
        @Parameters(index = "0", description = "Server base URL, e.g. http://127.0.0.1:8000")
        String url;

        @Option(names = {"-n", "--sessions"}, defaultValue = "64")
        int sessions;

        @Option(names = {"-k", "--steps"}, defaultValue = "100", description = "Steps per session.")
        int steps;

        @Option(names = {"-w", "--wait"}, defaultValue = "0", description = "wait_seconds of each step.")
        double wait;

        @Option(names = "--step-timeout", defaultValue = "60", description = "Seconds before a step counts as timed out.")
        int stepTimeout;

        @Option(names = "--threads", defaultValue = "1", description = "Event-loop threads of the load generator.")
        int threads;

        @Override
        public Integer call() throws InterruptedException {
            var result = new LoadGenerator(LoadGenerator.Plan.of(url, sessions, steps, wait)
                    .withStepTimeout(Duration.ofSeconds(stepTimeout)).withThreads(threads)).run();
            System.out.println(describe(result));
            return result.succeeded() == sessions ? 0 : 1;
        }
    }

    /** One line: the numbers a reader compares. */
    public static String describe(LoadGenerator.Result r) {
        return String.format(Locale.ROOT,
                "N=%d K=%d wait=%.3fs success=%.1f%% connect=%.0fms steps/s=%.0f p50=%.0fus p90=%.0fus p99=%.0fus max=%.0fus cpu/step client=%.0fus server=%.0fus failures=%s",
                r.sessions(), r.steps(), r.waitSeconds(), 100 * r.successRate(), r.connectMillis(), r.stepsPerSecond(),
                r.p50Micros(), r.p90Micros(), r.p99Micros(), r.maxMicros(), r.clientCpuMicrosPerStep(), r.serverCpuMicrosPerStep(),
                r.failures());
    }

    @Command(name = "latency", mixinStandardHelpOptions = true, description = "Sequential single-session step latency.")
    static final class Latency implements Callable<Integer> {
        @Parameters(index = "0", description = "Server base URL")
        String url;

        @Option(names = "--steps", defaultValue = "10000")
        int steps;

        @Option(names = "--warmup", defaultValue = "2000")
        int warmup;

        @Option(names = "--transport", defaultValue = "websocket", description = "websocket or http")
        String transport;

        @Option(names = "--echo", description = "Send the echo action {message} instead of the bench action {payload}.")
        boolean echo;

        @Override
        public Integer call() {
            var t = ClientOptions.Transport.valueOf(transport.toUpperCase(Locale.ROOT));
            Map<String, Object> action = echo ? Map.of("message", "Hello") : Map.of("wait_seconds", 0, "payload", "x");
            var r = SequentialLatency.measure(url, t, steps, warmup, action);
            System.out.printf(Locale.ROOT, "%s %s steps=%d p50=%.0fus p90=%.0fus p99=%.0fus p99.9=%.0fus max=%.0fus rate=%.0f steps/s%n",
                    url, r.transport(), r.steps(), r.p50Micros(), r.p90Micros(), r.p99Micros(), r.p999Micros(), r.maxMicros(),
                    r.stepsPerSecond());
            return 0;
        }
    }

    @Command(name = "mcp-latency", mixinStandardHelpOptions = true,
            description = "Sequential MCP tool calls (echo_message) over the WebSocket step path and POST /mcp.")
    static final class McpLatencyCommand implements Callable<Integer> {
        @Parameters(index = "0")
        String url;

        @Option(names = "--calls", defaultValue = "10000")
        int calls;

        @Option(names = "--warmup", defaultValue = "2000")
        int warmup;

        @Override
        public Integer call() throws Exception {
            McpLatency.main(new String[] {url, Integer.toString(calls), Integer.toString(warmup)});
            return 0;
        }
    }
}
