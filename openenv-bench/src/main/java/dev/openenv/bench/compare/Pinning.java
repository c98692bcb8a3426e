package dev.openenv.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Server on CPU 0, this process (the load generator) on CPU 1, with {@code taskset}; every thread of both
 * and every process the server started (the reference's workers). {@link #close()} gives this process all
 * CPUs back. Threads started later inherit the affinity of the thread that starts them.
 */
final class Pinning implements AutoCloseable {
    /** Read before any pinning: once pinned, the JVM reports only the CPUs it may use. */
    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    private Pinning() {}

    static boolean available() {
        return CPUS >= 2 && Stream.of("/usr/bin/taskset", "/bin/taskset").anyMatch(p -> Files.isExecutable(Path.of(p)));
    }

    static Pinning split(long serverPid) {
        var server = ProcessHandle.of(serverPid).orElseThrow(() -> new IllegalStateException("server process " + serverPid + " is gone"));
        List<Long> pids = new ArrayList<>();
        pids.add(serverPid);
        server.descendants().forEach(h -> pids.add(h.pid()));
        for (long pid : pids) {
            taskset("0", pid);
        }
        taskset("1", ProcessHandle.current().pid());
        return new Pinning();
    }

    @Override
    public void close() {
        taskset("0-" + (CPUS - 1), ProcessHandle.current().pid());
    }

    private static void taskset(String cpus, long pid) {
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-c", "-p", cpus, Long.toString(pid)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("taskset -a -c -p " + cpus + " " + pid + " failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("taskset could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pinning", e);
        }
    }
}
