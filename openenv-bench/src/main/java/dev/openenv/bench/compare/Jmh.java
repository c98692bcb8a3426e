package dev.openenv.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs the JMH micro-benchmarks (codec, session dispatch) in a forked JVM and reads their scores. */
final class Jmh {
    private Jmh() {}

    record Score(String benchmark, String mode, double score, double error, String unit) {}

    static List<Score> run(Path java, Path benchJar, Path work, boolean quick) throws IOException, InterruptedException {
        Path out = work.resolve("jmh.json");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-cp", benchJar.toString(), "org.openjdk.jmh.Main",
                "-f", "1", "-wi", quick ? "1" : "3", "-w", "1s", "-i", quick ? "2" : "5", "-r", "1s",
                "-rf", "json", "-rff", out.toString(), "dev.openenv.bench.jmh"));
        Compare.log("== JMH: " + String.join(" ", cmd));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("jmh.log").toFile()).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("JMH failed; see " + work.resolve("jmh.log"));
        }
        List<Score> scores = new ArrayList<>();
        for (JsonNode b : JsonMapper.builder().build().readTree(Files.readString(out))) {
            JsonNode m = b.path("primaryMetric");
            String name = b.path("benchmark").asString().replace("dev.openenv.bench.jmh.", "");
            scores.add(new Score(name, b.path("mode").asString(), m.path("score").isNumber() ? m.path("score").asDouble() : Double.NaN, m.path("scoreError").isNumber() ? m.path("scoreError").asDouble() : Double.NaN,
                    m.path("scoreUnit").asString()));
        }
        Compare.log("   " + scores);
        return scores;
    }
}
