package dev.openenv.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the numbers were measured on: date, CPU, memory, JVM, the reference's pinned packages. */
final class Environment {
    private Environment() {}

    static Map<String, String> describe(Path java, Path uvicorn) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("date", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString());
        out.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        out.put("cpu", firstMatch(Path.of("/proc/cpuinfo"), "model name"));
        out.put("memory", firstMatch(Path.of("/proc/meminfo"), "MemTotal"));
        out.put("java", run(java.toString(), "-version").lines().findFirst().orElse("?"));
        Path python = uvicorn.resolveSibling("python");
        if (Files.isExecutable(python)) {
            out.put("python", run(python.toString(), "--version").strip());
            out.put("reference packages", run(python.toString(), "-m", "pip", "freeze").lines()
                    .filter(l -> l.matches("(?i)^(openenv|uvicorn|uvloop|httptools|websockets|fastapi|starlette|pydantic)==.*"))
                    .reduce((a, b) -> a + ", " + b).orElse("?"));
        }
        return out;
    }

    private static String firstMatch(Path file, String key) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(key)).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return s;
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
