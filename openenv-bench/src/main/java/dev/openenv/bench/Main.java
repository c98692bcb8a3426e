package dev.openenv.bench;

import dev.openenv.bench.compare.Compare;
import dev.openenv.bench.compare.ServerProcess;
import dev.openenv.bench.latency.McpLatency;
import dev.openenv.bench.latency.SequentialLatency;
import dev.openenv.bench.load.LoadGenerator;
import dev.openenv.client.ClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code java -jar openenv-bench.jar <command>}: load generators that speak only the OpenEnv wire
 * protocol, so they measure any server (ours or the Python reference) with the same code, and the
 * side-by-side comparison. JMH micro-benchmarks: {@code java -cp openenv-bench.jar org.openjdk.jmh.Main}.
 */
public final class Main {
    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help.")
    boolean help;

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    /**
     * Runs the command line; returns the exit code (0 done, 1 a run failed, 2 bad usage). Parsing is
     * JCommander's, as in openenv-cli: one command-line library across the project.
     */
    static int run(String... args) throws Exception {
        var main = new Main();
        Map<String, Command> commands = new LinkedHashMap<>();
        commands.put("load", new Load());
        commands.put("latency", new Latency());
        commands.put("mcp-latency", new McpLatencyCommand());
        commands.put("churn", new ChurnCommand());
        commands.put("soak", new SoakCommand());
        commands.put("compare", new Compare());
        commands.put("report", new Compare.Rewrite());
        var builder = JCommander.newBuilder().programName("openenv-bench").addObject(main);
        commands.forEach(builder::addCommand);
        JCommander jc = builder.build();
        try {
            jc.parse(args);
        } catch (ParameterException e) {
            System.err.println("openenv-bench: " + e.getMessage());
            System.err.println("Try 'openenv-bench --help'.");
            return 2;
        }
        String name = jc.getParsedCommand();
        if (main.help || name == null) {
            jc.usage();
            return main.help ? 0 : 2;
        }
        Command command = commands.get(name);
        if (command.help()) {
            jc.getUsageFormatter().usage(name);
            return 0;
        }
        try {
            return command.call();
        } catch (ParameterException e) {
            System.err.println("openenv-bench " + name + ": " + e.getMessage());
            return 2;
        }
    }

    /** A subcommand: its options are its fields; {@code --help} prints them. */
    public interface Command extends Callable<Integer> {
        boolean help();
    }

    /** What every subcommand takes: its {@code --help}. */
    public abstract static class Base implements Command {
        @Parameter(names = {"-h", "--help"}, help = true, description = "Show this command's help.")
        boolean help;

        @Override
        public boolean help() {
            return help;
        }
    }

    /** The one positional argument of a command: the server's base URL. */
    static String url(List<String> positional) {
        for (String arg : positional == null ? List.<String>of() : positional) {
            if (arg.startsWith("-")) {   // JCommander hands unknown options to the positional list
                throw new ParameterException("unknown option: " + arg);
            }
        }
        if (positional == null || positional.size() != 1) {
            throw new ParameterException("expected one server base URL, e.g. http://127.0.0.1:8000");
        }
        return positional.get(0);
    }

    @Parameters(commandDescription = "N concurrent WebSocket sessions, each reset then K steps of the benchmark action.")
    static final class Load extends Base {
        @Parameter(description = "<url> Server base URL, e.g. http://127.0.0.1:8000")
        List<String> url;

        @Parameter(names = {"-n", "--sessions"})
        int sessions = 64;

        @Parameter(names = {"-k", "--steps"}, description = "Steps per session.")
        int steps = 100;

        @Parameter(names = {"-w", "--wait"}, description = "wait_seconds of each step.")
        double wait = 0;

        @Parameter(names = "--step-timeout", description = "Seconds before a step counts as timed out.")
        int stepTimeout = 60;

        @Parameter(names = "--threads", description = "Event-loop threads of the load generator.")
        int threads = 1;

        @Override
        public Integer call() throws InterruptedException {
            var result = new LoadGenerator(LoadGenerator.Plan.of(url(url), sessions, steps, wait)
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

    @Parameters(commandDescription = "Sequential single-session step latency.")
    static final class Latency extends Base {
        @Parameter(description = "<url> Server base URL")
        List<String> url;

        @Parameter(names = "--steps")
        int steps = 10000;

        @Parameter(names = "--warmup")
        int warmup = 2000;

        @Parameter(names = "--transport", description = "websocket (EnvClient's default), websocket_jdk or http")
        String transport = "websocket";

        @Parameter(names = "--echo", description = "Send the echo action {message} instead of the bench action {payload}.")
        boolean echo;

        @Override
        public Integer call() {
            var t = ClientOptions.Transport.valueOf(transport.toUpperCase(Locale.ROOT));
            Map<String, Object> action = echo ? Map.of("message", "Hello") : Map.of("wait_seconds", 0, "payload", "x");
            String base = url(url);
            var r = SequentialLatency.measure(base, t, steps, warmup, action);
            System.out.printf(Locale.ROOT, "%s %s steps=%d p50=%.0fus p90=%.0fus p99=%.0fus p99.9=%.0fus max=%.0fus rate=%.0f steps/s client-cpu/step=%.1fus%n",
                    base, r.transport(), r.steps(), r.p50Micros(), r.p90Micros(), r.p99Micros(), r.p999Micros(), r.maxMicros(),
                    r.stepsPerSecond(), r.clientCpuMicrosPerStep());
            return 0;
        }
    }

    @Parameters(commandDescription = "Sequential MCP tool calls (echo_message) over the WebSocket step path and POST /mcp.")
    static final class McpLatencyCommand extends Base {
        @Parameter(description = "<url>")
        List<String> url;

        @Parameter(names = "--calls")
        int calls = 10000;

        @Parameter(names = "--warmup")
        int warmup = 2000;

        @Override
        public Integer call() throws Exception {
            McpLatency.main(new String[] {url(url), Integer.toString(calls), Integer.toString(warmup)});
            return 0;
        }
    }

    @Parameters(commandDescription = "Connect/reset/kill cycles (half TCP resets, half closes without a close frame, one in ten mid-step); "
            + "then waits for the server to report zero sessions. Exit 1 when sessions are left.")
    static final class ChurnCommand extends Base {
        @Parameter(description = "<url> (or --serve ENV)")
        List<String> url;

        @Parameter(names = "--cycles")
        int cycles = 10_000;

        @Parameter(names = {"-c", "--concurrency"}, description = "Cycles in flight at once.")
        int concurrency = 32;

        @Parameter(names = "--step-data", description = "The action of the mid-step kills (JSON).")
        String stepData = "{}";

        @Parameter(names = "--settle", description = "Seconds to wait for the server to free every slot.")
        double settle = 10;

        @ParametersDelegate
        ServeOptions server = new ServeOptions();

        @Override
        public Integer call() throws Exception {
            // room for every cycle in flight plus the slots of killed connections the server has not noticed yet
            try (var target = Target.of(url, server, Math.max(256, 4 * concurrency), 0)) {
                var plan = new dev.openenv.bench.faults.Churn.Plan(java.net.URI.create(target.baseUrl()), cycles, concurrency, 10,
                        stepData, Duration.ofSeconds(10), Duration.ofMillis((long) (settle * 1000)));
                var result = dev.openenv.bench.faults.Churn.run(plan);
                System.out.println(result.describe());
                return result.freedMillis() == -1 ? 1 : 0;
            }
        }
    }

    @Parameters(commandDescription = "Mixed load (stepping sessions plus churn) for a duration, sampling the server's threads, "
            + "descriptors, heap and sessions; exit 1 on growth (a leak) or sessions left after the load.")
    static final class SoakCommand extends Base {
        @Parameter(description = "<url> (or --serve ENV)")
        List<String> url;

        @Parameter(names = "--duration", description = "How long, e.g. 30m, 90s, 1h.")
        String duration = "5m";

        @Parameter(names = {"-n", "--sessions"}, description = "Sessions stepping without pause.")
        int sessions = 16;

        @Parameter(names = "--churn-per-s", description = "Connect/reset/kill cycles per second.")
        double churnPerSecond = 50;

        @Parameter(names = "--sample", description = "Sampling interval, e.g. 10s.")
        String sample = "10s";

        @Parameter(names = "--step-data", description = "The action of each step (JSON).")
        String stepData = "{}";

        @Parameter(names = "--pid", description = "The server's process id, for RSS (and threads/fds of a server without /metrics).")
        long pid;

        @Parameter(names = "--no-full-gc", description = "Do not ask the server's JVM (--pid or --serve) for a full GC after the "
                + "warm-up and after the load (jcmd GC.run); the live-heap verdict then rests on its lagging post-GC gauge.")
        boolean noFullGc;

        @ParametersDelegate
        ServeOptions server = new ServeOptions();

        @Override
        public Integer call() throws Exception {
            // the stepping sessions plus the churn's cap of cycles in flight, and the slots of killed ones not yet noticed
            try (var target = Target.of(url, server, sessions + 1024, pid)) {
                var result = dev.openenv.bench.faults.Soak.run(new dev.openenv.bench.faults.Soak.Plan(java.net.URI.create(target.baseUrl()),
                        duration(duration), sessions, churnPerSecond, duration(sample), stepData, target.pid(), !noFullGc));
                System.out.print(dev.openenv.bench.faults.Soak.describe(result));
                return result.clean() ? 0 : 1;
            }
        }
    }

    /** The options of the fault commands that start our own server for the run instead of taking a URL. */
    static final class ServeOptions {
        @Parameter(names = "--serve", description = "Start our server for the run, serving this bundled environment (e.g. echo), "
                + "instead of a URL; stopped at the end.")
        String serve;

        @Parameter(names = "--serve-jar", description = "openenv-cli's jar for --serve (default: openenv-cli/target/openenv.jar "
                + "here or next to this jar's module).")
        Path serveJar;
    }

    /** The server a fault command runs against: the URL given, or our own started for the run ({@code --serve ENV}). */
    record Target(String baseUrl, long pid, ServerProcess process) implements AutoCloseable {
        static Target of(List<String> url, ServeOptions options, int maxSessions, long pid) throws java.io.IOException {
            String serve = options.serve;
            Path jar = options.serveJar;
            if (serve == null) {
                return new Target(url(url), pid, null);
            }
            if (url != null && !url.isEmpty()) {
                url(url); // an unknown option reads better than "both"
                throw new ParameterException("give a server URL or --serve ENV, not both");
            }
            Path serverJar = jar != null ? jar : defaultServeJar();
            if (!Files.isRegularFile(serverJar)) {
                throw new ParameterException("--serve needs openenv-cli's jar: no " + serverJar + " (build it, or give --serve-jar)");
            }
            Path logDir = Files.createTempDirectory("openenv-bench-serve");
            var server = ServerProcess.serveOurs(serverJar, serve, maxSessions, logDir);
            System.out.println("serving '" + serve + "' at " + server.baseUrl() + " (pid " + server.pid() + ", at most " + maxSessions
                    + " sessions, log in " + logDir + ")");
            return new Target(server.baseUrl(), pid != 0 ? pid : server.pid(), server);
        }

        @Override
        public void close() {
            if (process != null) {
                process.close();
            }
        }
    }

    /** openenv-cli/target/openenv.jar in the working directory, else beside the module this jar was built in. */
    static Path defaultServeJar() {
        Path here = Path.of("openenv-cli", "target", "openenv.jar");
        if (Files.isRegularFile(here)) {
            return here;
        }
        try {
            Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()); // .../openenv-bench/target/x.jar
            Path beside = self.toAbsolutePath().getParent().getParent().getParent().resolve(here);
            return Files.isRegularFile(beside) ? beside : here;
        } catch (RuntimeException | java.net.URISyntaxException e) {
            return here;
        }
    }

    /** {@code 90s}, {@code 30m}, {@code 2h}, or seconds without a unit. */
    static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            char unit = t.charAt(t.length() - 1);
            String number = Character.isDigit(unit) ? t : t.substring(0, t.length() - 1);
            double v = Double.parseDouble(number);
            double seconds = switch (unit) {
                case 'h' -> v * 3600;
                case 'm' -> v * 60;
                default -> v;
            };
            return Duration.ofMillis((long) (seconds * 1000));
        } catch (RuntimeException e) {
            throw new ParameterException("not a duration: '" + text + "' (e.g. 90s, 30m, 1h)");
        }
    }
}
