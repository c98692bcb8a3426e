package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.BasicState;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.mcp.McpAction;
import dev.openenv.core.mcp.McpObservation;
import dev.openenv.envs.echomcp.EchoMcpEnvironment;
import dev.openenv.server.testing.LocalServers;
import dev.openenv.server.testing.WireTypes;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** The MCP echo environment against the reference's recorded MCP exchanges, a stock MCP client, and modes. */
@Timeout(60)
class McpTest {
    static final EnvironmentType<McpAction, McpObservation, BasicState> ECHO_MCP = WireTypes.ECHO_MCP;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @RegisterExtension
    final LocalServers servers = new LocalServers();
    EnvServer server;

    void start(ServerMode mode) {
        server = servers.start(EchoMcpEnvironment::new, ECHO_MCP, c -> c.withMaxConcurrentEnvs(8).withMode(mode));
    }

    static Stream<String> stepVectors() {
        return Stream.of("http-step-list-tools", "http-step-unknown-tool", "http-step-tool-missing-argument",
                "http-step-tool-wrong-argument-type", "http-step-unknown-action-type", "http-step-type-omitted",
                "http-step-classic-echo-action", "http-step-tool-name-wrong-type", "http-step-echo-with-length-unicode",
                "http-step-echo-message", "http-step-with-action-metadata", "http-step-extra-top-level",
                "http-mcp-tools-call-echo-message", "http-mcp-tools-call-echo-with-length", "http-mcp-tools-call-bad-arguments",
                "http-mcp-tools-call-unknown-tool", "http-mcp-tools-call-missing-name", "http-mcp-unknown-method",
                "http-mcp-parse-error", "http-mcp-body-array", "http-mcp-missing-jsonrpc", "http-mcp-params-array",
                "http-mcp-unknown-session", "http-mcp-session-close-missing-id", "http-mcp-session-lifecycle", "http-get-mcp");
    }

    /**
     * The 0.3 line's vectors, compared at the portable level, loosening what its FastMCP 2 decided and
     * 0.10 changed: the result's {@code meta} (dropped), the text of validation messages, and the layout
     * of tool listings (checked below by shape; 0.10's exact shapes are replayed by {@link #mcpExchangeMatches010}).
     */
    @ParameterizedTest
    @MethodSource("stepVectors")
    void mcpExchangeMatchesTheReference(String vector) throws Exception {
        start(ServerMode.SIMULATION);
        var captured = new java.util.HashMap<String, String>();
        for (JsonNode exchange : Vectors.load(vector).path("exchanges")) {
            JsonNode req = exchange.path("request");
            JsonNode want = exchange.path("response");
            String body = req.path("body").isNull() ? null : req.path("body").asString();
            if (req.has("body_template")) {
                body = req.path("body_template").asString();
                for (var e : captured.entrySet()) {
                    body = body.replace("${" + e.getKey() + "}", e.getValue());
                }
            }
            var builder = HttpRequest.newBuilder(URI.create(server.baseUrl() + req.path("path").asString()));
            req.path("headers").properties().forEach(h -> builder.header(h.getKey(), h.getValue().asString()));
            builder.method(req.path("method").asString(), body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> got = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(got.statusCode()).as("status of %s", body).isEqualTo(want.path("status").asInt());
            JsonNode actual = WireCodec.standard().parse(got.body());
            exchange.path("capture").properties().forEach(c -> captured.put(c.getKey(), actual.at(c.getValue().asString()).asString()));
            List<String> loose = new ArrayList<>(Vectors.pointers(exchange,
                    "/observation/error/message", "/error/message", "/detail/0/ctx/error"));
            if (!want.path("json").path("error").path("code").isMissingNode()
                    && want.path("json").path("error").path("code").asInt() != -32603) {
                loose.remove("/error/message"); // protocol messages (not tool texts) must match
            }
            if (want.path("json").path("result").has("tools") || want.path("json").path("observation").has("tools")) {
                JsonNode tools = want.path("json").path("result").has("tools") ? actual.path("result").path("tools") : actual.path("observation").path("tools");
                assertThat(tools).extracting(t -> t.path("name").asString()).containsExactly("echo_message", "echo_with_length");
                // JSON-RPC listings are camelCase since 0.10; the step path's stay snake_case
                tools.forEach(t -> assertThat(t.has(want.path("json").has("result") ? "inputSchema" : "input_schema")).isTrue());
                continue;
            }
            if (want.path("json").path("error").path("message").asString("").startsWith("Invalid request")) {
                assertThat(actual.path("error").path("message").asString()).startsWith("Invalid request: ");
                loose.add("/error/message");
            }
            VectorReplayTest.compare(VectorReplayTest.Level.PORTABLE, withoutMeta(want.path("json")), withoutMeta(actual), loose);
        }
    }

    private static JsonNode withoutMeta(JsonNode json) {
        JsonNode copy = json.deepCopy();
        for (JsonNode result : List.of(copy.path("result"), copy.path("observation").path("result"))) {
            if (result instanceof tools.jackson.databind.node.ObjectNode o) {
                o.remove("meta");
            }
        }
        return copy;
    }

    /** 0.10.0's MCP shapes, recorded by interop/scripts/record-vectors.py, replayed exactly (message texts included). */
    @ParameterizedTest
    @MethodSource("v010Vectors")
    void mcpExchangeMatches010(String vector) throws Exception {
        start(ServerMode.SIMULATION);
        VectorReplayTest.replayHttp(server.baseUrl(), Vectors.load(vector), VectorReplayTest.Level.PORTABLE);
    }

    static Stream<String> v010Vectors() {
        return Stream.of("v010-mcp-tools-list", "v010-mcp-tools-call", "v010-mcp-invalid-requests",
                "v010-mcp-tool-bad-arguments", "v010-http-step-tool-calls");
    }

    @Test
    void theOfficialMcpJavaClientListsAndCallsTools() {
        start(ServerMode.PRODUCTION);
        var transport = HttpClientStreamableHttpTransport.builder(server.baseUrl()).endpoint("/mcp").build();
        try (var client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build()) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.capabilities().tools()).isNotNull();
            var tools = client.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name).containsExactly("echo_message", "echo_with_length");
            assertThat(tools.get(0).inputSchema()).containsEntry("required", List.of("message"));

            McpSchema.CallToolResult echoed = client.callTool(new McpSchema.CallToolRequest("echo_with_length", Map.of("message", "héllo")));
            assertThat(echoed.isError()).isFalse();
            assertThat(((McpSchema.TextContent) echoed.content().get(0)).text()).isEqualTo("{\"message\":\"héllo\",\"length\":5}");
            assertThat(echoed.structuredContent()).isEqualTo(Map.of("message", "héllo", "length", 5));

            McpSchema.CallToolResult unknown = client.callTool(new McpSchema.CallToolRequest("nope", Map.of()));
            assertThat(unknown.isError()).isTrue();
            assertThat(((McpSchema.TextContent) unknown.content().get(0)).text()).isEqualTo("Unknown tool: 'nope'");
        }
    }

    @Test
    void productionModeHidesTheGymRoutesButServesTools() throws Exception {
        start(ServerMode.PRODUCTION);
        var reset = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/reset"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reset.statusCode()).isEqualTo(404);
        var call = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/mcp"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                        + "\"params\":{\"name\":\"echo_message\",\"arguments\":{\"message\":\"prod\"}}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(WireCodec.standard().parse(call.body()).path("result").path("data").asString()).isEqualTo("prod");
    }

    @Test
    void webSocketMcpAndMcpMessagesAnswerOnTheConnectionsOwnSession() throws Exception {
        start(ServerMode.SIMULATION);
        try (var ws = WsProbe.open(server.baseUrl(), "/mcp")) {
            ws.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"echo_message\",\"arguments\":{\"message\":\"abc\"}},\"id\":2}");
            JsonNode reply = WireCodec.standard().parse(ws.next().text());
            assertThat(reply.path("id").asInt()).isEqualTo(2);
            assertThat(reply.path("result").path("data").asString()).isEqualTo("abc");
            ws.sendText("{bad");
            assertThat(WireCodec.standard().parse(ws.next().text()).path("error").path("code").asInt()).isEqualTo(-32700);
        }
        try (var ws = WsProbe.open(server.baseUrl(), "/ws")) {
            for (int i = 0; i < 2; i++) {
                ws.sendText("{\"type\":\"mcp\",\"data\":{\"jsonrpc\":\"2.0\",\"method\":\"openenv/session/create\",\"id\":1}}");
                JsonNode created = WireCodec.standard().parse(ws.next().text());
                assertThat(created.path("type").asString()).isEqualTo("mcp");
                assertThat(created.path("data").path("result").path("session_id").isString()).isTrue();
            }
            ws.sendText("{\"type\":\"mcp\",\"data\":{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"echo_message\",\"arguments\":{\"message\":\"x\"}},\"id\":3}}");
            ws.next();
            ws.sendText("{\"type\":\"state\"}");
            // JSON-RPC calls bypass step(): the environment's step count does not move.
            assertThat(WireCodec.standard().parse(ws.next().text()).path("data").path("step_count").asInt()).isZero();
        }
    }

    @Test
    void aWebSocketCanAttachToASessionMadeOverHttp() throws Exception {
        start(ServerMode.SIMULATION);
        var created = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/mcp"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"openenv/session/create\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String id = WireCodec.standard().parse(created.body()).path("result").path("session_id").asString();
        try (var ws = WsProbe.open(server.baseUrl(), "/ws?session_id=" + id)) {
            ws.sendText("{\"type\":\"step\",\"data\":{\"type\":\"call_tool\",\"tool_name\":\"echo_message\",\"arguments\":{\"message\":\"attached\"}}}");
            assertThat(WireCodec.standard().parse(ws.next().text()).path("data").path("observation").path("result").path("data").asString())
                    .isEqualTo("attached");
            try (var second = WsProbe.open(server.baseUrl(), "/ws?session_id=" + id)) {
                assertThat(WireCodec.standard().parse(second.next().text()).path("data").path("code").asString()).isEqualTo("SESSION_ERROR");
            }
        }
        // The session outlives its socket until closed over JSON-RPC.
        var state = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/state")).header("X-OpenEnv-Session", id).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(WireCodec.standard().parse(state.body()).path("step_count").asInt()).isEqualTo(1);
        try (var ws = WsProbe.open(server.baseUrl(), "/ws?session_id=nope")) {
            assertThat(WireCodec.standard().parse(ws.next().text()).path("data").path("message").asString()).isEqualTo("Unknown session_id: nope");
        }
    }
}
