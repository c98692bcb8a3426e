package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.json.WireCodec;
import dev.openenv.envs.connect4.ConnectFourEnvironment;
import dev.openenv.server.testing.LocalServers;
import dev.openenv.server.testing.WireTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Recorded trajectories: every reset and step, over /ws and HTTP, as JSON Lines rotated by size. */
@Timeout(60)
class RecordingTest {
    @TempDir
    Path dir;

    @Test
    void everyResetAndStepIsRecordedWithIdsAndTheFilesRotate() throws Exception {
        var type = dev.openenv.core.EnvironmentType.of("connect4", ConnectFourEnvironment.Drop.class,
                ConnectFourEnvironment.Board.class, ConnectFourEnvironment.GameState.class);
        List<JsonNode> answers = new ArrayList<>();
        EnvServer server = EnvServer.builder(ConnectFourEnvironment::new).types(type)
                .config(LocalServers.local().withMaxConcurrentEnvs(4)).record(dir, 4096).start();
        try (server) {
            try (WsProbe ws = WsProbe.open(server.baseUrl(), "/ws")) {
                for (int episode = 0; episode < 3; episode++) {
                    ws.sendText("{\"type\":\"reset\",\"data\":{\"seed\":" + episode + ",\"episode_id\":\"ws-" + episode + "\"}}");
                    ws.next();
                    for (int column : new int[] {3, 3, 2}) {
                        ws.sendText("{\"type\":\"step\",\"data\":{\"column\":" + column + "}}");
                        answers.add(WireCodec.standard().parse(ws.next().text()).path("data"));
                    }
                }
            }
            var http = java.net.http.HttpClient.newHttpClient();
            for (String body : new String[] {"{\"seed\":9}", null}) {
                var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + (body != null ? "/reset" : "/step")))
                        .header("content-type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body != null ? body : "{\"action\":{\"column\":1}}")).build();
                assertThat(http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            }
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(dir)) {
            files = listed.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
        }
        assertThat(files).as("rotated at 4 KiB").hasSizeGreaterThan(1);
        List<JsonNode> lines = new ArrayList<>();
        for (Path f : files) {
            assertThat(Files.size(f)).isLessThanOrEqualTo(4096 + 2048);
            for (String line : Files.readAllLines(f)) {
                lines.add(WireCodec.standard().parse(line));
            }
        }
        assertThat(lines).hasSize(3 * 4 + 2);
        JsonNode firstReset = lines.get(0);
        assertThat(firstReset.path("type").asString()).isEqualTo("reset");
        assertThat(firstReset.path("episode_id").asString()).isEqualTo("ws-0");
        assertThat(firstReset.path("request").path("seed").asLong()).isEqualTo(0);
        assertThat(firstReset.path("observation").path("board")).hasSize(6);
        JsonNode step = lines.get(1);
        assertThat(step.path("type").asString()).isEqualTo("step");
        assertThat(step.path("step").asInt()).isEqualTo(1);
        assertThat(step.path("episode_id").asString()).isEqualTo("ws-0");
        assertThat(step.path("session_id").asString()).isEqualTo(firstReset.path("session_id").asString());
        assertThat(step.path("action").path("column").asInt()).isEqualTo(3);
        assertThat(step.has("reward") && step.has("done") && step.path("duration_ms").isNumber()).isTrue();
        assertThat(lines.get(3).path("step").asInt()).isEqualTo(3);
        assertThat(lines.get(4).path("episode_id").asString()).isEqualTo("ws-1");
        List<JsonNode> wsSteps = lines.subList(0, 12).stream().filter(l -> l.path("type").asString().equals("step")).toList();
        assertThat(wsSteps).hasSize(answers.size());
        for (int i = 0; i < answers.size(); i++) { // copied from the answers' text: the same observation, reward, done
            assertThat(wsSteps.get(i).path("observation")).isEqualTo(answers.get(i).path("observation"));
            assertThat(wsSteps.get(i).path("reward")).isEqualTo(answers.get(i).path("reward"));
            assertThat(wsSteps.get(i).path("done")).isEqualTo(answers.get(i).path("done"));
            assertThat(wsSteps.get(i).path("metadata").isObject()).isTrue();
        }
        JsonNode httpStep = lines.getLast();
        assertThat(httpStep.path("session_id").asString()).isEqualTo("default");
        assertThat(httpStep.path("episode_id").asString()).isNotBlank();
        assertThat(httpStep.path("action").path("column").asInt()).isEqualTo(1);
    }
}
