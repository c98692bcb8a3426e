package dev.openenv.core.rubric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.openenv.core.json.WireCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * The judge against a real OpenAI-compatible HTTP server started in the test, which answers canned
 * completions and records what it was sent. No model runs here.
 */
@Timeout(20)
class LlmJudgeTest {
    record Move(String code) {}

    private HttpServer server;
    private final ConcurrentLinkedQueue<String> replies = new ConcurrentLinkedQueue<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile int status = 200;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            try (exchange) {
                requests.add(WireCodec.standard().parse(exchange.getRequestBody().readAllBytes()));
                authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
                String content = replies.poll();
                var reply = WireCodec.standard().object(Map.of("id", "chatcmpl-1", "object", "chat.completion",
                        "model", "canned", "choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                                "message", content == null ? Map.of("role", "assistant") : Map.of("role", "assistant", "content", content)))));
                byte[] body = (status == 200 ? WireCodec.standard().write(reply) : "{\"error\":{\"message\":\"overloaded\"}}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void theJudgeSendsTheFilledPromptAndScoresTheModelsReply() {
        replies.add("The code is mostly right. Score: 0.8");
        LlmClient model = OpenAiClient.builder(endpoint(), "judge-model").apiKey("sk-test").systemPrompt("You grade code.").build();
        var judge = new LlmJudge<Move, String>("Rate this code:\n{action}\nOutput: {observation}\nScore (0-1):", model);

        assertThat(judge.score(new Move("print(1)"), "1")).isEqualTo(0.8);
        assertThat(judge.lastScore()).hasValue(0.8);

        JsonNode sent = requests.getFirst();
        assertThat(sent.path("model").asString()).isEqualTo("judge-model");
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(256);
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.0);
        assertThat(sent.path("messages").path(0).path("role").asString()).isEqualTo("system");
        assertThat(sent.path("messages").path(0).path("content").asString()).isEqualTo("You grade code.");
        assertThat(sent.path("messages").path(1).path("role").asString()).isEqualTo("user");
        assertThat(sent.path("messages").path(1).path("content").asString())
                .isEqualTo("Rate this code:\nMove[code=print(1)]\nOutput: 1\nScore (0-1):");
        assertThat(authorizations).containsExactly("Bearer sk-test");
    }

    @Test
    void scoresAreClampedAndUnreadableRepliesScoreTheDefault() {
        LlmClient model = OpenAiClient.builder(endpoint(), "m").build();
        var judge = new LlmJudge<Move, String>("{action}", model);
        replies.addAll(List.of("I give it 7 out of 10", "no number here", "3.", "0.25 then 0.9"));
        assertThat(judge.score(new Move("a"), "")).isEqualTo(1.0);
        assertThat(judge.score(new Move("a"), "")).isEqualTo(0.0);
        assertThat(judge.score(new Move("a"), "")).isEqualTo(1.0);
        assertThat(judge.score(new Move("a"), "")).isEqualTo(0.25);
        // A reply without content reads as "" and so scores the default; no key means "not-needed".
        assertThat(judge.score(new Move("a"), "")).isEqualTo(0.0);
        assertThat(authorizations).allMatch("Bearer not-needed"::equals);
    }

    @Test
    void aCustomPatternDefaultAndNoNormalisation() {
        LlmClient model = OpenAiClient.builder(endpoint(), "m").useMaxCompletionTokens(true).maxTokens(32).build();
        var judge = new LlmJudge<Move, String>("{action}", model, "SCORE=(\\d+)", -1.0, false);
        replies.addAll(List.of("step 1 ... SCORE=7", "SCORE=?"));
        assertThat(judge.score(new Move("a"), "")).isEqualTo(7.0);
        assertThat(judge.score(new Move("a"), "")).isEqualTo(-1.0);
        JsonNode sent = requests.getFirst();
        assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(32);
        assertThat(sent.has("max_tokens")).isFalse();
        assertThat(sent.has("temperature")).isFalse();
        assertThat(judge.scorePattern()).isEqualTo("SCORE=(\\d+)");
    }

    @Test
    void anErrorStatusFailsTheEvaluationWithTheServersAnswer() {
        status = 503;
        var judge = new LlmJudge<Move, String>("{action}", OpenAiClient.builder(endpoint(), "m").build());
        assertThatThrownBy(() -> judge.score(new Move("a"), "")).isInstanceOf(LlmException.class)
                .hasMessageContaining("503").hasMessageContaining("overloaded");
        assertThat(judge.lastScore()).isEmpty();
    }

    @Test
    void anUnreachableServerIsAnLlmException() {
        int port = server.getAddress().getPort();
        server.stop(0);
        var model = OpenAiClient.builder(URI.create("http://127.0.0.1:" + port), "m").timeout(Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> model.complete("hi")).isInstanceOf(LlmException.class);
    }

    @Test
    void theTemplateKnowsActionObservationAndEscapedBraces() {
        LlmClient echo = prompt -> prompt;
        var judge = new LlmJudge<String, String>("{{\"a\": \"{action}\"}} {observation} 0.5", echo) {
            String rendered(String a, String o) {
                return renderPrompt(a, o);
            }
        };
        assertThat(judge.rendered("x", "y")).isEqualTo("{\"a\": \"x\"} y 0.5");
        assertThatThrownBy(() -> new LlmJudge<String, String>("{reward}", echo).score("x", "y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{reward}");
        assertThatThrownBy(() -> new LlmJudge<String, String>("{ lone", echo).score("a", "b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsingFollowsPythonsFloatAndClamp() {
        var judge = new LlmJudge<String, String>("x", p -> p);
        assertThat(judge.parseScore("score 0.75")).isEqualTo(0.75);
        assertThat(judge.parseScore("-3")).isEqualTo(1.0);   // the default pattern has no sign: 3, clamped
        var signed = new LlmJudge<String, String>("x", p -> p, "(-?\\d+\\.?\\d*)", 0.0, true);
        assertThat(signed.parseScore("-3")).isEqualTo(0.0);
        var raw = new LlmJudge<String, String>("x", p -> p, "([\\w.+-]+)", 0.5, false);
        assertThat(raw.parseScore("1e-2")).isEqualTo(0.01);
        assertThat(raw.parseScore("1_000")).isEqualTo(1000.0);
        assertThat(raw.parseScore("inf")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(raw.parseScore("1d")).isEqualTo(0.5);       // Java's parseDouble would take it; Python's float not
        assertThat(raw.parseScore("0x10")).isEqualTo(0.5);
        var clampedNan = new LlmJudge<String, String>("x", p -> p, "(\\w+)", 0.5, true);
        assertThat(clampedNan.parseScore("nan")).isEqualTo(1.0);   // Python: max(0.0, min(1.0, nan)) == 1.0
        var noGroup = new LlmJudge<String, String>("x", p -> p, "\\d\\.\\d", 0.0, true);
        assertThat(noGroup.parseScore("about 0.4")).isEqualTo(0.4);
    }

    @Test
    void theEndpointGetsV1WhenItHasNoPathAndIsOtherwiseUsedAsGiven() {
        assertThat(OpenAiClient.builder(URI.create("http://localhost:8000"), "m").build().completionsUri())
                .hasToString("http://localhost:8000/v1/chat/completions");
        assertThat(OpenAiClient.builder(URI.create("https://gw.example/openai/v1/"), "m").build().completionsUri())
                .hasToString("https://gw.example/openai/v1/chat/completions");
        for (String bad : List.of("ftp://host", "http://user:pw@host", "http://host/v1?x=1", "http://host#f")) {
            assertThatThrownBy(() -> OpenAiClient.builder(URI.create(bad), "m").build())
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Invalid endpoint URL");
        }
    }
}
