package dev.openenv.bench.compare;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A server configuration under test: how to start it on a free port. */
record Candidate(String name, List<String> command, Map<String, String> env, Path dir, boolean ours) {
    static final String OURS = "openenv-java";
    /** Enough sessions for the largest capacity run, for both servers (per worker for the reference). */
    static final int MAX_SESSIONS = 20_000;

    /** Our server: {@code openenv serve bench}, with the AOT cache next to the jar when one was trained. */
    static Candidate ours(Path java, Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": build it first (scripts/bench builds everything)");
        }
        List<String> cmd = new ArrayList<>(List.of(java.toString()));
        Path aot = AotCache.pathFor(jar);
        if (Files.isRegularFile(aot)) {
            cmd.add("-XX:AOTCache=" + aot);
        }
        cmd.addAll(List.of("-jar", jar.toString(), "serve", "bench", "--host", "127.0.0.1", "--port", "{port}",
                "--max-concurrent-envs", Integer.toString(MAX_SESSIONS), "--no-web"));
        return new Candidate(OURS, List.copyOf(cmd), Map.of(), null, true);
    }

    /** The reference's bench_env.py under uvicorn: asyncio + h11, or uvloop + httptools. */
    static Candidate reference(String name, Path uvicorn, Path pyDir, int workers, boolean fast) {
        if (!Files.isExecutable(uvicorn)) {
            throw new IllegalStateException("no " + uvicorn + ": scripts/bench creates the reference's venv");
        }
        List<String> cmd = new ArrayList<>(List.of(uvicorn.toString(), "bench_env:app", "--host", "127.0.0.1", "--port", "{port}",
                "--log-level", "warning", "--workers", Integer.toString(workers)));
        cmd.addAll(fast ? List.of("--loop", "uvloop", "--http", "httptools") : List.of("--loop", "asyncio", "--http", "h11"));
        return new Candidate(name, List.copyOf(cmd), Map.of("MAX_CONCURRENT_ENVS", Integer.toString(MAX_SESSIONS)), pyDir, false);
    }

    ServerProcess start(Path logDir) {
        return ServerProcess.start(name, command, env, dir, logDir, Duration.ofSeconds(60));
    }
}
