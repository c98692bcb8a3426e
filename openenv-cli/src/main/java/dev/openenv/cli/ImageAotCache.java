package dev.openenv.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The JDK AOT cache an image carries ({@code /app/app.aot}): trained on a real episode, kept per jar set. */
final class ImageAotCache {
    private ImageAotCache() {
    }

    /**
     * Trains a JDK AOT cache for {@code app} on this machine with the image's own JRE: the app serves on
     * a free local port, {@code openenv validate}'s runtime checks play an episode over HTTP and
     * WebSocket, and the JVM writes the cache as it exits. The classpath has the image's shape
     * (app.jar, then lib/ in the same order), which is what the JVM checks when it maps the cache.
     */
    static Path train(ImageBuilder.App app, Path jre, Path cacheDir) throws IOException, InterruptedException {
        if (Runtime.version().feature() < 25) {
            ImageBuilder.log("the AOT cache needs JDK 25; this is " + Runtime.version());
            return null;
        }
        var cp = new ArrayList<String>();
        cp.add(app.jar().toString());
        app.libs().forEach(l -> cp.add(l.toString()));
        // The same JRE, jars (path, size, mtime), main class and training make the same cache: train once.
        var key = new StringBuilder(jre.toRealPath() + "|" + app.mainClass() + "|classes, no profiles");
        for (String jar : cp) {
            Path p = Path.of(jar);
            key.append('|').append(jar).append(':').append(Files.size(p)).append(':').append(Files.getLastModifiedTime(p).toMillis());
        }
        Path cached = cacheDir.resolve(ImageBuilder.hash(key.toString()) + ".aot");
        if (Files.isRegularFile(cached)) {
            ImageBuilder.log("AOT cache unchanged since the last build (" + cached + ")");
            return cached;
        }
        Path work = Files.createTempDirectory("openenv-aot-");
        Path aot = work.resolve("app.aot");
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        // Classes loaded and linked, not method profiles: with profiles the JIT compiled the step path during
        // start-up, on the same cores as the start-up itself (see scripts/train-aot).
        var pb = new ProcessBuilder(jre.resolve("bin/java").toString(), "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining",
                        "-XX:AOTCacheOutput=" + aot, "-cp", String.join(":", cp), app.mainClass())
                .redirectErrorStream(true).redirectOutput(work.resolve("training.log").toFile());
        pb.environment().put("HOST", "127.0.0.1");
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().put("MAX_CONCURRENT_ENVS", "2");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        try {
            String base = "http://127.0.0.1:" + port;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<Criterion> checks = List.of();
            while (System.nanoTime() < deadline && p.isAlive()) {
                checks = new ServerChecks(base, Duration.ofSeconds(5), 3).run();
                if (checks.getFirst().passed()) {
                    break;
                }
                Thread.sleep(100);
            }
            if (!checks.isEmpty() && checks.getFirst().passed()) {
                new ServerChecks(base, Duration.ofSeconds(5), 3).run();   // a second round: the steady path, not only first calls
            }
        } finally {
            p.destroy();   // SIGTERM: the shutdown hooks run, then the JVM writes the cache
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (!Files.isRegularFile(aot)) {
            ImageBuilder.log("AOT training wrote no cache; its log: " + work.resolve("training.log"));
            return null;
        }
        ImageBuilder.log(String.format("trained the AOT cache (%d MB) in %.1f s", Files.size(aot) >> 20, (System.nanoTime() - t0) / 1e9));
        Files.createDirectories(cached.getParent());
        Files.move(aot, cached, StandardCopyOption.REPLACE_EXISTING);
        prune(cached.getParent(), 5);
        return cached;
    }

    /** Keeps the {@code keep} most recently written AOT caches (~35 MB each) and deletes the rest. */
    private static void prune(Path dir, int keep) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> old = files.filter(f -> f.toString().endsWith(".aot"))
                    .sorted(java.util.Comparator.comparing(ImageBuilder::mtime).reversed()).skip(keep).toList();
            for (Path f : old) {
                Files.deleteIfExists(f);
            }
        }
    }
}
