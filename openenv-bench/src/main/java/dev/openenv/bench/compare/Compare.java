package dev.openenv.bench.compare;

import dev.openenv.bench.Main;
import dev.openenv.bench.latency.SequentialLatency;
import dev.openenv.bench.load.LoadGenerator;
import dev.openenv.client.ClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import dev.openenv.bench.Main;

/**
 * The side-by-side run: our server and the Python reference (pinned, from PyPI, in its best uvicorn
 * configurations), one after the other on 127.0.0.1, measured by the same load generator with the
 * same N and K. Prints a table with ratios and writes {@code BENCHMARKS.md}, plots and raw results.
 */
@Parameters(commandDescription = "Benchmark our server against the Python reference and write BENCHMARKS.md.")
public final class Compare extends Main.Base {
    @Parameter(names = "--repo", description = "Repository root (jars, python/ and where results go).")
    Path repo = Path.of(".");

    @Parameter(names = "--java", description = "java to run our server with (default: this JVM's).")
    Path java;

    @Parameter(names = "--uvicorn", description = "uvicorn of the reference's venv (default: openenv-bench/target/bench-venv/bin/uvicorn).")
    Path uvicorn;

    @Parameter(names = "--quick", description = "Small N and K: checks the harness end to end in about a minute.")
    boolean quick;

    @Parameter(names = "--skip-reference", description = "Measure our server only.")
    boolean skipReference;

    // The negatable --[no-]jmh that picocli gave us, as two flags; both at once is a usage error.
    @Parameter(names = "--jmh", description = "Run the JMH micro-benchmarks too (default on).")
    Boolean jmhFlag;   // boxed: null prints no misleading "Default: false" in the help

    @Parameter(names = "--no-jmh", description = "Do not run the JMH micro-benchmarks.")
    boolean noJmh;

    @Parameter(names = "--no-pinned", description = "Skip the second, pinned pass (server and load generator on separate cores).")
    boolean noPinned;

    @Override
    public Integer call() throws Exception {
        if (jmhFlag != null && noJmh) {
            throw new ParameterException("--jmh and --no-jmh contradict each other");
        }
        boolean jmh = !noJmh;
        repo = repo.toAbsolutePath().normalize();
        Path javaBin = java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java");
        Path uv = uvicorn != null ? uvicorn : repo.resolve("openenv-bench/target/bench-venv/bin/uvicorn");
        Path work = repo.resolve("openenv-bench/target/bench");
        Files.createDirectories(work);
        Scale scale = quick ? Scale.QUICK : Scale.FULL;

        List<Candidate> candidates = new ArrayList<>();
        candidates.add(Candidate.ours(javaBin, repo.resolve("openenv-cli/target/openenv.jar")));
        if (!skipReference) {
            Path pyDir = repo.resolve("openenv-bench/python");
            candidates.add(Candidate.reference("reference 1 worker", uv, pyDir, 1, false));
            candidates.add(Candidate.reference("reference 2 workers", uv, pyDir, 2, false));
            candidates.add(Candidate.reference("reference 2 workers uvloop+httptools", uv, pyDir, 2, true));
        }
        Results results = new Results(scale.name().toLowerCase(Locale.ROOT), Environment.describe(javaBin, uv));
        boolean pinned = !noPinned && Pinning.available();
        if (!noPinned && !pinned) {
            log("   no pinned pass: it needs taskset and at least 2 CPUs");
        }

        for (Candidate c : candidates) {
            log("== " + c.name());
            try {
                measureLight(c, work, scale, results);
                if (pinned) {
                    measurePinned(c, work, scale, results);
                }
            } catch (RuntimeException e) {
                if (c.ours()) {
                    throw e;
                }
                // One reference configuration failing must not cost the whole comparison: it is left out.
                log("   FAILED, left out of the comparison: " + e);
                results.failed.put(c.name(), String.valueOf(e.getMessage()));
                results.coldStartMillis.remove(c.name());
                results.sequential.remove(c.name());
                results.throughput.remove(c.name());
                results.pinnedSequential.remove(c.name());
                results.pinnedThroughput.remove(c.name());
            }
        }
        measureHeavy(candidates, work, scale, results, javaBin);
        if (jmh) {
            results.jmh = Jmh.run(javaBin, repo.resolve("openenv-bench/target/openenv-bench.jar"), work, quick);
        }
        String best = results.bestReference();
        Report report = new Report(results, best);
        System.out.println(report.table());
        Path out = quick ? work : repo;
        report.write(out.resolve("BENCHMARKS.md"), out.resolve(quick ? "plots" : "docs/bench"));
        Files.writeString(work.resolve("results.json"), results.toJson());
        log("wrote " + out.resolve("BENCHMARKS.md") + " and " + work.resolve("results.json"));
        return 0;
    }

    /** Cold start, sequential latency and the throughput sweep of one server configuration. */
    private static void measureLight(Candidate c, Path work, Scale scale, Results results) throws InterruptedException {
        results.coldStartMillis.put(c.name(), coldStart(c, work, scale.coldStarts));
        try (ServerProcess server = c.start(work)) {
            List<SequentialLatency.Result> seq = new ArrayList<>(List.of(sequentialWebSocket(server, scale),
                    SequentialLatency.measure(server.baseUrl(), ClientOptions.Transport.HTTP, scale.seqSteps, scale.seqWarmup, BENCH_ACTION)));
            if (c.ours()) {
                // Our Java client (EnvClient's default transport), whose own CPU per step is one of the targets.
                var j = SequentialLatency.measure(server.baseUrl(), ClientOptions.Transport.WEBSOCKET, scale.seqSteps, scale.seqWarmup, BENCH_ACTION);
                seq.add(new SequentialLatency.Result(JAVA_CLIENT, j.steps(), j.p50Micros(), j.p90Micros(), j.p99Micros(), j.p999Micros(),
                        j.maxMicros(), j.stepsPerSecond(), j.failures(), j.clientCpuMicrosPerStep()));
            }
            results.sequential.put(c.name(), List.copyOf(seq));
            log("   sequential " + results.sequential.get(c.name()));
            load(server, 64, scale.warmupSteps, 0); // warm-up, not recorded
            List<LoadGenerator.Result> sweep = new ArrayList<>();
            for (int n : scale.throughputN) {
                sweep.add(load(server, n, Math.max(scale.minSteps, scale.throughputSteps / n), 0));
            }
            results.throughput.put(c.name(), sweep);
        }
    }

    /**
     * Sequential latency and the throughput sweep again with the server on CPU 0 and the load generator on
     * CPU 1 (the reference's workers likewise all on CPU 0): what each side costs without the other's noise.
     */
    private static void measurePinned(Candidate c, Path work, Scale scale, Results results) throws InterruptedException {
        try (ServerProcess server = c.start(work); var pin = Pinning.split(server.pid())) {
            log("   pinned: server on CPU 0, load generator on CPU 1");
            results.pinnedSequential.put(c.name(), List.of(sequentialWebSocket(server, scale)));
            load(server, 64, scale.warmupSteps, 0); // warm-up, not recorded
            List<LoadGenerator.Result> sweep = new ArrayList<>();
            for (int n : scale.throughputN) {
                sweep.add(load(server, n, Math.max(scale.minSteps, scale.throughputSteps / n), 0));
            }
            results.pinnedThroughput.put(c.name(), sweep);
        }
    }

    /** Capacity (wait 1 s) and idle memory, for our server and the reference's best configuration at N = 64. */
    private static void measureHeavy(List<Candidate> candidates, Path work, Scale scale, Results results, Path javaBin)
            throws InterruptedException {
        String best = results.bestReference();
        for (Candidate c : candidates) {
            if (!c.ours() && !c.name().equals(best)) {
                continue;
            }
            log("== capacity and memory: " + c.name());
            List<LoadGenerator.Result> capacity = new ArrayList<>();
            for (int n : scale.capacityN) {
                try (ServerProcess server = c.start(work)) {
                    load(server, 64, scale.warmupSteps / 4, 0); // the same warm-up for every server, not recorded
                    capacity.add(load(server, n, scale.capacitySteps, 1.0));
                }
            }
            results.capacity.put(c.name(), capacity);
            try (ServerProcess server = c.start(work)) {
                results.memory.put(c.name(), IdleMemory.measure(server, scale.idleSessions, javaBin));
                log("   memory " + results.memory.get(c.name()));
            }
        }
    }

    static final Map<String, Object> BENCH_ACTION = Map.of("wait_seconds", 0, "payload", "x");
    /** The sequential entry measured with our Java client rather than the load generator. */
    static final String JAVA_CLIENT = "java client";

    private static LoadGenerator.Result load(ServerProcess server, int n, int k, double wait) throws InterruptedException {
        var plan = LoadGenerator.Plan.of(server.baseUrl(), n, k, wait).withStepTimeout(Duration.ofSeconds(120));
        LoadGenerator.Result r;
        long cpu0 = server.cpuMicros();
        try (var gen = new LoadGenerator(plan)) {
            r = gen.run();
        }
        r = r.withServerCpu(server.cpuMicros() - cpu0);
        log("   " + Main.describe(r));
        return r;
    }

    /** One session, one step at a time, through the load generator's client (the JDK's adds ~100 µs). */
    private static SequentialLatency.Result sequentialWebSocket(ServerProcess server, Scale scale) throws InterruptedException {
        load(server, 1, scale.seqWebSocketWarmup, 0);
        var r = load(server, 1, scale.seqSteps, 0);
        return new SequentialLatency.Result("websocket", scale.seqSteps, r.p50Micros(), r.p90Micros(), r.p99Micros(), r.p999Micros(),
                r.maxMicros(), r.stepsPerSecond(), r.sessions() - r.succeeded(), r.clientCpuMicrosPerStep());
    }

    private static List<Double> coldStart(Candidate c, Path work, int times) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            try (ServerProcess server = c.start(work)) {
                out.add(server.startMillis());
            }
        }
        log("   cold start ms " + out);
        return out;
    }

    /** {@code report}: writes BENCHMARKS.md and the plots again from a results.json (e.g. after editing NOTES.md). */
    @Parameters(commandDescription = "Rewrite BENCHMARKS.md and plots from results.json.")
    public static final class Rewrite extends Main.Base {
        @Parameter(names = "--repo")
        Path repo = Path.of(".");

        @Override
        public Integer call() throws Exception {
            Path root = repo.toAbsolutePath().normalize();
            Results results = Results.fromJson(Files.readString(root.resolve("openenv-bench/target/bench/results.json")));
            String best = results.bestReference();
            Report report = new Report(results, best);
            System.out.println(report.table());
            Path out = results.scale.equals("full") ? root : root.resolve("openenv-bench/target/bench");
            report.write(out.resolve("BENCHMARKS.md"), out.resolve(results.scale.equals("full") ? "docs/bench" : "plots"));
            return 0;
        }
    }

    static void log(String line) {
        System.err.println(line);
    }

    /** How big the runs are. */
    enum Scale {
        // Warm-up is the same for every server. One session's WebSocket steps need ~100,000 before the JIT
        // has settled: after 20,000 the C2 compiler still took ~35 us of the server's CPU per measured step
        // (72-81 against 100-124 us per step, 2026-12-04); the HTTP and Java-client runs keep 20,000.
        FULL(5, 10_000, 20_000, 100_000, 20_000, 20, 120_000, new int[] {1, 4, 16, 64, 256, 1024}, new int[] {1_000, 4_096, 10_000}, 3, 10_000),
        QUICK(2, 1_000, 200, 200, 200, 10, 4_000, new int[] {1, 16, 64}, new int[] {256}, 2, 500);

        final int coldStarts;
        final int seqSteps;
        final int seqWarmup;
        final int seqWebSocketWarmup;
        final int warmupSteps;
        final int minSteps;
        final int throughputSteps;
        final int[] throughputN;
        final int[] capacityN;
        final int capacitySteps;
        final int idleSessions;

        Scale(int coldStarts, int seqSteps, int seqWarmup, int seqWebSocketWarmup, int warmupSteps, int minSteps, int throughputSteps, int[] throughputN,
              int[] capacityN, int capacitySteps, int idleSessions) {
            this.coldStarts = coldStarts;
            this.seqSteps = seqSteps;
            this.seqWarmup = seqWarmup;
            this.seqWebSocketWarmup = seqWebSocketWarmup;
            this.warmupSteps = warmupSteps;
            this.minSteps = minSteps;
            this.throughputSteps = throughputSteps;
            this.throughputN = throughputN;
            this.capacityN = capacityN;
            this.capacitySteps = capacitySteps;
            this.idleSessions = idleSessions;
        }
    }

    /** Everything measured, by server name. */
    static final class Results {
        final String scale;
        final Map<String, String> environment;
        final Map<String, List<Double>> coldStartMillis = new LinkedHashMap<>();
        final Map<String, List<SequentialLatency.Result>> sequential = new LinkedHashMap<>();
        final Map<String, List<LoadGenerator.Result>> throughput = new LinkedHashMap<>();
        final Map<String, List<SequentialLatency.Result>> pinnedSequential = new LinkedHashMap<>();
        final Map<String, List<LoadGenerator.Result>> pinnedThroughput = new LinkedHashMap<>();
        final Map<String, List<LoadGenerator.Result>> capacity = new LinkedHashMap<>();
        final Map<String, IdleMemory.Result> memory = new LinkedHashMap<>();
        final Map<String, String> failed = new LinkedHashMap<>();
        List<Jmh.Score> jmh = List.of();

        Results(String scale, Map<String, String> environment) {
            this.scale = scale;
            this.environment = environment;
        }

        /** The reference configuration with the most steps/s at N = 64. */
        String bestReference() {
            return throughput.entrySet().stream().filter(e -> !e.getKey().equals(Candidate.OURS))
                    .max(Comparator.comparingDouble(e -> at(e.getValue(), 64).stepsPerSecond()))
                    .map(Map.Entry::getKey).orElse(null);
        }

        static LoadGenerator.Result at(List<LoadGenerator.Result> sweep, int n) {
            return sweep.stream().filter(r -> r.sessions() == n).findFirst().orElse(sweep.get(sweep.size() - 1));
        }

        /** Reads what {@link #toJson()} wrote, so a report can be written again without measuring again. */
        static Results fromJson(String json) {
            var mapper = tools.jackson.databind.json.JsonMapper.builder()
                    .enable(tools.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
            var tree = mapper.readTree(json);
            var tf = mapper.getTypeFactory();
            Results r = new Results(tree.path("scale").asString(),
                    mapper.treeToValue(tree.path("environment"), tf.constructMapType(LinkedHashMap.class, String.class, String.class)));
            r.coldStartMillis.putAll(mapper.treeToValue(tree.path("cold_start_ms"), tf.constructMapType(LinkedHashMap.class,
                    tf.constructType(String.class), tf.constructCollectionType(List.class, Double.class))));
            r.sequential.putAll(mapper.treeToValue(tree.path("sequential"), tf.constructMapType(LinkedHashMap.class,
                    tf.constructType(String.class), tf.constructCollectionType(List.class, SequentialLatency.Result.class))));
            r.throughput.putAll(mapper.treeToValue(tree.path("throughput"), tf.constructMapType(LinkedHashMap.class,
                    tf.constructType(String.class), tf.constructCollectionType(List.class, LoadGenerator.Result.class))));
            r.capacity.putAll(mapper.treeToValue(tree.path("capacity"), tf.constructMapType(LinkedHashMap.class,
                    tf.constructType(String.class), tf.constructCollectionType(List.class, LoadGenerator.Result.class))));
            r.memory.putAll(mapper.treeToValue(tree.path("idle_memory"), tf.constructMapType(LinkedHashMap.class, String.class,
                    IdleMemory.Result.class)));
            r.jmh = mapper.treeToValue(tree.path("jmh"), tf.constructCollectionType(List.class, Jmh.Score.class));
            if (tree.has("pinned_sequential")) {
                r.pinnedSequential.putAll(mapper.treeToValue(tree.path("pinned_sequential"), tf.constructMapType(LinkedHashMap.class,
                        tf.constructType(String.class), tf.constructCollectionType(List.class, SequentialLatency.Result.class))));
                r.pinnedThroughput.putAll(mapper.treeToValue(tree.path("pinned_throughput"), tf.constructMapType(LinkedHashMap.class,
                        tf.constructType(String.class), tf.constructCollectionType(List.class, LoadGenerator.Result.class))));
            }
            if (tree.has("failed")) {
                r.failed.putAll(mapper.treeToValue(tree.path("failed"), tf.constructMapType(LinkedHashMap.class, String.class, String.class)));
            }
            return r;
        }

        String toJson() {
            var mapper = tools.jackson.databind.json.JsonMapper.builder().build();
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("scale", scale);
            all.put("environment", environment);
            all.put("cold_start_ms", coldStartMillis);
            all.put("sequential", sequential);
            all.put("throughput", throughput);
            all.put("pinned_sequential", pinnedSequential);
            all.put("pinned_throughput", pinnedThroughput);
            all.put("capacity", capacity);
            all.put("idle_memory", memory);
            all.put("jmh", jmh);
            all.put("failed", failed);
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(all);
        }
    }
}
