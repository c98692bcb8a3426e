package dev.openenv.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.protocol.ServerMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The recorder writes each line as text on the caller's thread (not through a JSON generator): every value
 * that could break that text (ids with quotes and control characters, non-ASCII text, non-finite rewards,
 * metadata) must still come out as the JSON a generator would have written.
 */
@Timeout(30)
class RecorderTest {
    private static final WireCodec CODEC = WireCodec.standard();

    @TempDir
    Path dir;

    @Test
    void linesAreValidJsonWhateverTheIdsAndValuesHold() throws Exception {
        Object env = new Object();
        String session = "s\"1\\\n\u0001";
        String episode = "épisode \"quoted\" \t ☃";
        try (var recorder = new Recorder(dir, 1 << 20)) {
            recorder.reset(session, env, episode, ResetRequest.seeded(7).withOptions(Map.of("level", "ü")),
                    envelope("{\"board\":[[0,1]],\"text\":\"ß\"}", 0.0, false, null), 1_234_567);
            recorder.step(session, env, CODEC.parse("{\"column\":3,\"note\":\"naïve \\\"x\\\"\"}"), null,
                    envelope("{\"board\":[[1,1]]}", Double.NaN, false, Map.of("why", "a\nb")), 999).finish(null);
            ObjectNode last = envelope("{}", -0.5, true, null);
            recorder.step(session, env, Map.of("column", 4), null, last, 0).finish(answer(last));
        }
        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(3);

        JsonNode reset = lines.get(0);
        assertThat(reset.path("type").asString()).isEqualTo("reset");
        assertThat(reset.path("session_id").asString()).isEqualTo(session);
        assertThat(reset.path("episode_id").asString()).isEqualTo(episode);
        assertThat(reset.path("step").asInt()).isZero();
        assertThat(reset.path("request").path("seed").asLong()).isEqualTo(7);
        assertThat(reset.path("request").path("level").asString()).isEqualTo("ü");
        assertThat(reset.path("observation").path("text").asString()).isEqualTo("ß");
        assertThat(reset.path("reward").asDouble()).isZero();
        assertThat(reset.path("duration_ms").asDouble()).isEqualTo(1.234);
        assertThat(reset.path("time").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

        JsonNode first = lines.get(1);
        assertThat(first.path("step").asInt()).isEqualTo(1);
        assertThat(first.path("episode_id").asString()).isEqualTo(episode);
        assertThat(first.path("action").path("note").asString()).isEqualTo("naïve \"x\"");
        assertThat(first.path("reward").isNull()).as("a NaN reward is written as null, as the wire writes it").isTrue();
        assertThat(first.path("metadata").path("why").asString()).isEqualTo("a\nb");
        assertThat(first.path("duration_ms").asDouble()).isEqualTo(0.0);

        JsonNode second = lines.get(2);
        assertThat(second.path("step").asInt()).isEqualTo(2);
        assertThat(second.path("action").path("column").asInt()).isEqualTo(4);
        assertThat(second.path("reward").asDouble()).isEqualTo(-0.5);
        assertThat(second.path("done").asBoolean()).isTrue();
        assertThat(second.path("metadata").isObject() && second.path("metadata").isEmpty()).isTrue();
    }

    @Test
    void aStepBeforeAnyRecordedResetHasNoEpisodeIdAndLinesAfterCloseAreDropped() throws Exception {
        Object env = new Object();
        var recorder = new Recorder(dir, 1 << 20);
        recorder.step("s", env, Map.of("column", 1), null, envelope("{}", 1.0, false, null), 10).finish(null);
        Recorder.Line late = recorder.step("s", env, Map.of("column", 2), null, envelope("{}", 1.0, false, null), 10);
        recorder.close();
        late.finish(null); // begun before the close, finished after: dropped, not lost silently
        assertThat(recorder.step("s", env, Map.of("column", 3), null, envelope("{}", 1.0, false, null), 10)).isNull();
        assertThat(recorder.written()).isEqualTo(1);
        assertThat(recorder.dropped()).isEqualTo(2);
        JsonNode only = lines().getFirst();
        assertThat(only.path("episode_id").isNull()).isTrue();
        assertThat(only.path("step").asInt()).isEqualTo(1);
    }

    /** The numbers a line writes digit by digit: the step count and the duration in milliseconds with three decimals. */
    @ParameterizedTest
    @CsvSource({"0, 0.000", "999, 0.000", "1000, 0.001", "9999, 0.009", "10000, 0.010", "120000, 0.120",
            "123456789, 123.456", "5000000000000, 5000000.000",
            "9223372036854775807, 9223372036854.775"})
    void numbersAreWrittenAsJsonWouldRead(long nanos, String millis) throws Exception {
        Object env = new Object();
        try (var recorder = new Recorder(dir, 1 << 20)) {
            for (int i = 0; i < 12; i++) {
                recorder.step("s", env, Map.of("i", i), null, envelope("{}", 1.0, false, null), nanos).finish(null);
            }
        }
        List<String> raw = rawLines();
        assertThat(raw).hasSize(12).allSatisfy(line -> assertThat(line).endsWith(",\"duration_ms\":" + millis + "}"));
        assertThat(raw.get(8)).contains(",\"step\":9,");
        assertThat(raw.get(11)).contains(",\"step\":12,");
    }

    @Test
    void aStepsActionIsCopiedFromItsFrameAsSentOrSerializedWhenItCannotBe() throws Exception {
        Object env = new Object();
        String spaced = "{\"type\": \"step\", \"data\": {\"column\": 3}}";
        String broken = "{\"type\":\"step\",\"data\":{\"column\":\n4}}";
        try (var recorder = new Recorder(dir, 1 << 20)) {
            recorder.step("s", env, CODEC.parse("{\"column\":3}"), spaced, envelope("{}", 0, false, null), 1).finish(null);
            recorder.step("s", env, CODEC.parse("{\"column\":4}"), broken, envelope("{}", 0, false, null), 1).finish(null);
        }
        List<String> raw = rawLines();
        assertThat(raw).hasSize(2);
        assertThat(raw.get(0)).as("the frame's text, spacing and all").contains("\"action\":{\"column\": 3}");
        assertThat(raw.get(1)).as("a line break in the frame: serialized instead").contains("\"action\":{\"column\":4}");
    }

    /**
     * A step's line finished from its answer's text is, byte for byte, the line serialized from the envelope:
     * random observations (nested, escaped, non-ASCII), rewards (tiny, huge, negative zero, non-finite,
     * absent) and metadata (absent or not), 20 seeds.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void aLineCopiedFromTheAnswerIsTheLineSerializedFromTheEnvelope(long seed) throws Exception {
        var random = new Random(seed);
        Object env = new Object();
        int steps = 50;
        try (var recorder = new Recorder(dir, 1L << 30)) {
            for (int i = 0; i < steps; i++) {
                ObjectNode envelope = CODEC.mapper().createObjectNode();
                envelope.set("observation", randomObject(random, 3));
                double[] odd = {0.0, -0.0, 1e-300, -1.7976931348623157e308, 0.1 + 0.2, Double.NaN, Double.POSITIVE_INFINITY, 1e7, 1e-3, 123456789.125};
                switch (random.nextInt(4)) {
                    case 0 -> envelope.put("reward", odd[random.nextInt(odd.length)]);
                    case 1 -> envelope.put("reward", random.nextGaussian() * Math.pow(10, random.nextInt(20) - 10));
                    case 2 -> envelope.putNull("reward");
                    default -> envelope.put("reward", Double.longBitsToDouble(random.nextLong()));
                }
                envelope.put("done", random.nextBoolean());
                if (random.nextBoolean()) {
                    envelope.set("metadata", randomObject(random, 2).put("k", "v"));
                }
                long nanos = random.nextLong(1_000_000_000L);
                recorder.step("s", env, Map.of("i", i), null, envelope, nanos).finish(answer(envelope));
                recorder.step("s", env, Map.of("i", i), null, envelope, nanos).finish(null);
            }
        }
        List<String> raw = rawLines();
        assertThat(raw).hasSize(2 * steps);
        for (int i = 0; i < raw.size(); i += 2) {
            String copied = raw.get(i).replaceFirst("\"time\":\"[^\"]*\",\"session_id\":\"s\",\"episode_id\":null,\"step\":\\d+", "");
            String serialized = raw.get(i + 1).replaceFirst("\"time\":\"[^\"]*\",\"session_id\":\"s\",\"episode_id\":null,\"step\":\\d+", "");
            assertThat(copied).as("line %d, seed %d", i, seed).isEqualTo(serialized);
        }
    }

    /** The copy is of the answer as sent, not of the envelope: what the client got is what the file holds. */
    @Test
    void aStepsLineHoldsTheAnswerAsSent() throws Exception {
        ObjectNode envelope = envelope("{\"sent\":false}", 1, false, null);
        ObjectNode sent = envelope("{\"sent\":true}", 1, false, null);
        try (var recorder = new Recorder(dir, 1 << 20)) {
            recorder.step("s", new Object(), Map.of(), null, envelope, 0).finish(answer(sent));
        }
        assertThat(lines().getFirst().path("observation").path("sent").asBoolean()).isTrue();
    }

    /**
     * Lines staged faster than the writer takes them (one larger than the staging array itself, and
     * thousands of small ones) all arrive, whole and in order, in files rotated at line ends.
     */
    @Test
    void everyStagedLineArrivesInOrderAcrossRotatedFilesEvenOneLargerThanTheStage() throws Exception {
        Object env = new Object();
        long limit = 64 * 1024;
        String big = "x".repeat(LineWriter.STAGE + 12345);
        int small = 5_000;
        try (var recorder = new Recorder(dir, limit)) {
            for (int i = 0; i < small; i++) {
                if (i == small / 2) {
                    ObjectNode envelope = envelope("{\"big\":\"" + big + "\"}", 0, false, null);
                    recorder.step("s", env, Map.of("i", -1), null, envelope, 0).finish(answer(envelope));
                }
                ObjectNode envelope = envelope("{\"i\":" + i + ",\"pad\":\"" + "é".repeat(i % 97) + "\"}", i, false, null);
                recorder.step("s", env, Map.of("i", i), null, envelope, 0).finish(answer(envelope));
            }
            recorder.close();
            assertThat(recorder.dropped()).isZero();
            assertThat(recorder.written()).isEqualTo(small + 1);
        }
        List<Path> files = files();
        assertThat(files.size()).isGreaterThan(10);
        int expected = 0;
        long longest = 0;
        for (Path f : files) {
            byte[] content = Files.readAllBytes(f);
            assertThat(content.length).isPositive();
            assertThat(content[content.length - 1]).as("%s ends with a whole line", f).isEqualTo((byte) '\n');
            List<String> lines = Files.readAllLines(f);
            long lastLine = lines.getLast().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
            assertThat(content.length - lastLine).as("%s was within its limit before its last line", f).isLessThanOrEqualTo(limit);
            for (String line : lines) {
                JsonNode node = CODEC.parse(line);
                int i = node.path("action").path("i").asInt();
                longest = Math.max(longest, line.length());
                if (i == -1) {
                    assertThat(node.path("observation").path("big").asString()).isEqualTo(big);
                    continue;
                }
                assertThat(i).isEqualTo(expected);
                assertThat(node.path("observation").path("pad").asString()).isEqualTo("é".repeat(i % 97));
                expected++;
            }
        }
        assertThat(expected).isEqualTo(small);
        assertThat(longest).isGreaterThan(LineWriter.STAGE);
    }

    private static ObjectNode randomObject(Random random, int depth) {
        ObjectNode node = CODEC.mapper().createObjectNode();
        String[] texts = {"", "plain", "quote \" and \\ slash", "line\nbreak\ttab\u0001", "naïve ☃ 日本", "\uD83D\uDE00 emoji", "</script>"};
        int members = random.nextInt(5);
        for (int m = 0; m < members; m++) {
            String name = texts[random.nextInt(texts.length)] + m;
            switch (random.nextInt(depth > 0 ? 7 : 5)) {
                case 0 -> node.put(name, random.nextInt());
                case 1 -> node.put(name, random.nextDouble() * 1e6);
                case 2 -> node.put(name, texts[random.nextInt(texts.length)]);
                case 3 -> node.put(name, random.nextBoolean());
                case 4 -> node.putNull(name);
                case 5 -> node.set(name, randomObject(random, depth - 1));
                default -> node.putArray(name).add(random.nextLong()).add(randomObject(random, depth - 1)).add("x");
            }
        }
        return node;
    }

    /** The text of the /ws answer carrying {@code envelope}, as the server writes it. */
    private static String answer(ObjectNode envelope) {
        return CODEC.write(new ServerMessage.Observation(envelope).toJson());
    }

    private static ObjectNode envelope(String observation, double reward, boolean done, Map<String, ?> metadata) {
        ObjectNode envelope = CODEC.mapper().createObjectNode();
        envelope.set("observation", CODEC.parse(observation));
        envelope.put("reward", reward);
        envelope.put("done", done);
        if (metadata != null) {
            envelope.set("metadata", CODEC.toTree(metadata));
        }
        return envelope;
    }

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : rawLines()) {
            out.add(CODEC.parse(line));
        }
        return out;
    }

    private List<String> rawLines() throws Exception {
        List<String> out = new ArrayList<>();
        for (Path f : files()) {
            out.addAll(Files.readAllLines(f));
        }
        return out;
    }

    /** The record files in the order they were written ({@code episodes-<start>-<pid>-<n>.jsonl}). */
    private List<Path> files() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted(Comparator.comparingInt(RecorderTest::index)).toList();
        }
    }

    private static int index(Path file) {
        String name = file.getFileName().toString();
        return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1, name.length() - ".jsonl".length()));
    }
}
