package dev.openenv.bench.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.stream.Stream;

/**
 * What a server says about itself: its Prometheus text at {@code /metrics} (ours) and, given a process
 * id, {@code /proc} (any server, the Python reference included).
 *
 * @param sessions    sessions holding a slot ({@code openenv_sessions_active}), NaN when unknown
 * @param threads     live platform threads, NaN when unknown
 * @param fds         open file descriptors, NaN when unknown
 * @param heapBytes   heap in use, NaN when unknown
 * @param liveBytes   heap in use after the last collection ({@code openenv_jvm_heap_after_gc_bytes}, else
 *                    {@code jvm_gc_live_data_size_bytes}), NaN when unknown
 * @param rssBytes    resident memory (from {@code /proc/PID/status}), NaN when unknown
 */
record ServerGauges(double sessions, double threads, double fds, double heapBytes, double liveBytes, double rssBytes) {

    /** Reads the gauges of the server at {@code base}; {@code pid} (0: none) adds {@code /proc}'s view. */
    static ServerGauges read(HttpClient http, URI base, long pid) {
        String text = scrape(http, base);
        double threads = value(text, "jvm_threads_live_threads");
        double fds = value(text, "process_files_open_files");
        double rss = Double.NaN;
        if (pid > 0) {
            Path proc = Path.of("/proc", Long.toString(pid));
            try {
                for (String line : Files.readAllLines(proc.resolve("status"))) {
                    if (line.startsWith("Threads:") && Double.isNaN(threads)) {
                        threads = Double.parseDouble(line.substring(8).strip());
                    } else if (line.startsWith("VmRSS:")) {
                        rss = Double.parseDouble(line.substring(6).strip().split("\\s+")[0]) * 1024;
                    }
                }
                if (Double.isNaN(fds)) {
                    try (Stream<Path> list = Files.list(proc.resolve("fd"))) {
                        fds = list.count();
                    }
                }
            } catch (IOException e) {
                // the process is gone: leave the values unknown
            }
        }
        double live = value(text, "openenv_jvm_heap_after_gc_bytes");
        if (Double.isNaN(live)) {
            live = value(text, "jvm_gc_live_data_size_bytes"); // Micrometer's own: the old generation only, after a major collection
        }
        return new ServerGauges(value(text, "openenv_sessions_active"), threads, fds,
                sum(text, "jvm_memory_used_bytes{area=\"heap\""), live, rss);
    }

    /**
     * Asks the JVM {@code pid} for a full collection ({@code jcmd PID GC.run}), after which its post-GC heap gauge is
     * its live data. False when there is no pid, no jcmd beside this JVM, or the process is not a JVM that answers.
     */
    static boolean collect(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (pid <= 0 || !Files.isExecutable(jcmd)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The server's {@code /metrics} text, or empty when it has none. */
    static String scrape(HttpClient http, URI base) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The value of the first sample named exactly {@code name} (with or without labels). */
    static double value(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name) && line.length() > name.length()
                    && (line.charAt(name.length()) == ' ' || line.charAt(name.length()) == '{')) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    /** The sum of every sample whose line starts with {@code prefix}. */
    static double sum(String text, String prefix) {
        double total = 0;
        boolean any = false;
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                any = true;
            }
        }
        return any ? total : Double.NaN;
    }

    static OptionalDouble known(double v) {
        return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
