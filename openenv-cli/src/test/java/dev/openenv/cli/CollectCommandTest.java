package dev.openenv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.openenv.core.json.WireCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** openenv collect: episodes written in 0.10's collect layout, with each policy. */
@Timeout(120)
class CollectCommandTest {
    @TempDir
    Path dir;

    private List<JsonNode> records(Path out) throws Exception {
        return Files.readAllLines(out.resolve("results.jsonl")).stream().map(l -> WireCodec.standard().parse(l)).toList();
    }

    @Test
    void randomAndScriptedPoliciesPlayBundledGamesToTheEnd() throws Exception {
        Path random = dir.resolve("random");
        assertThat(Main.run("collect", "connect4", "--episodes", "5", "--policy", "random", "--seed", "7", "-o", random.toString())).isZero();
        List<JsonNode> episodes = records(random);
        assertThat(episodes).hasSize(5);
        for (JsonNode e : episodes) {
            assertThat(e.path("done").asBoolean()).isTrue();
            assertThat(e.path("messages").path(0).path("role").asString()).isEqualTo("system");
            assertThat(e.path("messages").size()).isEqualTo(2 + 2 * e.path("metrics").path("steps").asInt());
            assertThat(e.path("tool_trace").size()).isEqualTo(e.path("metrics").path("steps").asInt());
        }
        assertThat(WireCodec.standard().parse(Files.readString(random.resolve("metadata.json"))).path("provider").asString()).isEqualTo("random");

        Path scripted = dir.resolve("scripted");
        assertThat(Main.run("collect", "gridworld", "--episodes", "2", "--policy", "scripted", "--max-steps", "5", "-o", scripted.toString())).isZero();
        List<JsonNode> walks = records(scripted);
        assertThat(walks).hasSize(2);
        assertThat(walks.get(0).path("metrics").path("steps").asInt()).isBetween(1, 5);
        assertThat(walks.get(0).path("episode_id").asString()).isEqualTo("ep-000000");
    }

    @Test
    void theHttpLlmPolicyAsksAnOpenAiCompatibleEndpoint() throws Exception {
        // A canned OpenAI-compatible endpoint (no model runs in CI): always drops in column 3, then 4, …
        AtomicInteger asked = new AtomicInteger();
        HttpServer llm = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        llm.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            int column = asked.getAndIncrement() % 7;
            byte[] body = ("{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"canned\",\"choices\":[{\"index\":0,"
                    + "\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":\"Here: {\\\"column\\\": " + column + "}\"}}]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        llm.start();
        try {
            Path out = dir.resolve("llm");
            String url = "http://127.0.0.1:" + llm.getAddress().getPort() + "/v1";
            assertThat(Main.run("collect", "connect4", "--episodes", "1", "--policy", "http-llm", "--llm-url", url,
                    "--model", "canned", "--max-steps", "3", "-o", out.toString())).isZero();
            JsonNode episode = records(out).get(0);
            assertThat(asked.get()).isPositive();
            assertThat(episode.path("messages").path(2).path("content").asString()).isEqualTo("{\"column\":0}");
        } finally {
            llm.stop(0);
        }
    }

    @Test
    void badUsageIsRefusedWithAMessage() {
        assertThat(Main.run("collect", "no-such-env", "-o", dir.toString())).isEqualTo(2);
        assertThat(Main.run("collect", "connect4", "--policy", "greedy", "-o", dir.toString())).isEqualTo(2);
        assertThat(Main.run("collect", "connect4", "--policy", "http-llm", "-o", dir.toString())).isEqualTo(2);
        assertThat(Main.run("collect", "http://127.0.0.1:1", "-o", dir.toString())).isEqualTo(1);
    }
}
