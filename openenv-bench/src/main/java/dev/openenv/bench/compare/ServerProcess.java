package dev.openenv.bench.compare;

import dev.openenv.bench.load.LoadGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A server under test, in its own process on 127.0.0.1: started from a command, ready once a WebSocket
 * reset is answered, stopped with its whole process tree (uvicorn's workers included). Its output goes
 * to a log file, quoted when it fails to start.
 *
 * <p>Lifecycle: {@link #start} (started → ready, or {@link IllegalStateException}) → {@link #close()}.
 */
public final class ServerProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final int port;
    private final Path log;
    private final long readyNanos;

    private ServerProcess(String name, Process process, int port, Path log, long readyNanos) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
        this.readyNanos = readyNanos;
    }

    /** Starts {@code command} (where {@code {port}} is replaced by a free port) and waits until ready. */
    static ServerProcess start(String name, List<String> command, Map<String, String> env, Path dir, Path logDir, Duration timeout) {
        int port = freePort();
        List<String> cmd = command.stream().map(a -> a.replace("{port}", Integer.toString(port))).toList();
        Path log = logDir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".log");
        try {
            Files.createDirectories(logDir);
            var pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            pb.environment().putAll(env);
            pb.environment().put("PORT", Integer.toString(port));
            long t0 = System.nanoTime();
            Process p = pb.start();
            var server = new ServerProcess(name, p, port, log, 0);
            long deadline = t0 + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + p.exitValue() + " before it was ready:\n" + server.tail());
                }
                // A refused TCP connect costs microseconds; a full WebSocket attempt (a load generator with its
                // event loop) costs milliseconds of the CPU the starting server needs: only try once it listens.
                if (listens(port) && answersReset(server.baseUrl())) {
                    return new ServerProcess(name, p, port, log, System.nanoTime() - t0);
                }
                Thread.sleep(2);
            }
            server.close();
            throw new IllegalStateException(name + " was not ready after " + timeout.toSeconds() + " s:\n" + server.tail());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + name, e);
        }
    }

    /**
     * Our server ({@code openenv serve ENV} from openenv-cli's jar, run by this JVM's {@code java}) on a free port
     * of 127.0.0.1, with room for {@code maxSessions} sessions; its output goes to {@code logDir}.
     *
     * @throws IllegalStateException when the jar is missing or the server is not ready within 60 s
     */
    public static ServerProcess serveOurs(Path jar, String env, int maxSessions, Path logDir) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": build openenv-cli first (mvnw -pl openenv-cli -am package)");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return start("openenv-serve-" + env, List.of(java.toString(), "-jar", jar.toString(), "serve", env, "--host", "127.0.0.1",
                "--port", "{port}", "--max-concurrent-envs", Integer.toString(maxSessions), "--no-web"), Map.of(), null, logDir,
                Duration.ofSeconds(60));
    }

    private static boolean listens(int port) {
        try (var socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Ready means a real session works: a WebSocket connects and a reset is answered. */
    static boolean answersReset(String baseUrl) {
        var plan = LoadGenerator.Plan.of(baseUrl, 1, 0, 0).withStepTimeout(Duration.ofSeconds(5));
        try (var gen = new LoadGenerator(plan)) {
            return gen.run().succeeded() == 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String name() {
        return name;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** From process start until the first reset was answered. */
    double startMillis() {
        return readyNanos / 1e6;
    }

    /** Resident memory of the server and all its descendants, in KiB (from /proc). */
    long rssKib() {
        long total = 0;
        for (ProcessHandle h : Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList()) {
            total += procStatus(h.pid(), "VmRSS");
        }
        return total;
    }

    /** CPU time (user + system) of the server and its descendants so far, in microseconds. */
    long cpuMicros() {
        long ticks = 0;
        for (ProcessHandle h : Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList()) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
            } catch (IOException | RuntimeException e) {
                // gone
            }
        }
        return ticks * 10_000; // USER_HZ is 100 on Linux
    }

    /** Live heap of a JVM server after a full GC, in KiB, via jcmd; -1 when it is not a JVM. */
    long jvmHeapUsedKib(Path jcmd) {
        try {
            run(jcmd.toString(), Long.toString(process.pid()), "GC.run");
            run(jcmd.toString(), Long.toString(process.pid()), "GC.run");
            String info = run(jcmd.toString(), Long.toString(process.pid()), "GC.heap_info");
            Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static long procStatus(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process is gone
        }
        return 0;
    }

    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() {
        try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the process tree: TERM, then KILL after 5 s. */
    @Override
    public void close() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }
}
