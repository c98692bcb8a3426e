package dev.openenv.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.json.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
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
                    "{\"board\":[[0,1]],\"text\":\"ß\"}", envelope(0.0, false, null), 1_234_567);
            recorder.step(session, env, CODEC.parse("{\"column\":3,\"note\":\"naïve \\\"x\\\"\"}"), null,
                    "{\"board\":[[1,1]]}", envelope(Double.NaN, false, Map.of("why", "a\nb")), 999);
            recorder.step(session, env, Map.of("column", 4), null, "{}", envelope(-0.5, true, null), 0);
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
        recorder.step("s", env, Map.of("column", 1), null, "{}", envelope(1.0, false, null), 10);
        recorder.close();
        recorder.step("s", env, Map.of("column", 2), null, "{}", envelope(1.0, false, null), 10);
        assertThat(recorder.written()).isEqualTo(1);
        assertThat(recorder.dropped()).isEqualTo(1);
        JsonNode only = lines().getFirst();
        assertThat(only.path("episode_id").isNull()).isTrue();
        assertThat(only.path("step").asInt()).isEqualTo(1);
    }

    @Test
    void aStepsActionIsCopiedFromItsFrameAsSentOrSerializedWhenItCannotBe() throws Exception {
        Object env = new Object();
        String spaced = "{\"type\": \"step\", \"data\": {\"column\": 3}}";
        String broken = "{\"type\":\"step\",\"data\":{\"column\":\n4}}";
        try (var recorder = new Recorder(dir, 1 << 20)) {
            recorder.step("s", env, CODEC.parse("{\"column\":3}"), spaced, "{}", envelope(0, false, null), 1);
            recorder.step("s", env, CODEC.parse("{\"column\":4}"), broken, "{}", envelope(0, false, null), 1);
        }
        List<String> raw;
        try (Stream<Path> files = Files.list(dir)) {
            raw = Files.readAllLines(files.findFirst().orElseThrow());
        }
        assertThat(raw).hasSize(2);
        assertThat(raw.get(0)).as("the frame's text, spacing and all").contains("\"action\":{\"column\": 3}");
        assertThat(raw.get(1)).as("a line break in the frame: serialized instead").contains("\"action\":{\"column\":4}");
    }

    private static ObjectNode envelope(double reward, boolean done, Map<String, ?> metadata) {
        ObjectNode envelope = CODEC.mapper().createObjectNode();
        envelope.put("reward", reward);
        envelope.put("done", done);
        if (metadata != null) {
            envelope.set("metadata", CODEC.toTree(metadata));
        }
        return envelope;
    }

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
                    out.add(CODEC.parse(line));
                }
            }
        }
        return out;
    }
}
