package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.BasicState;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.json.WireCodec;
import dev.openenv.envs.echo.EchoAction;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.envs.echo.EchoObservation;
import dev.openenv.envs.fault.FaultAction;
import dev.openenv.envs.fault.FaultEnvironment;
import dev.openenv.envs.fault.FaultObservation;
import dev.openenv.server.testing.LocalServers;
import dev.openenv.server.testing.WireTypes;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** HTTP /reset, /step and /state act on a real session: never on an environment thrown away afterwards. */
@Timeout(60)
class HttpSessionTest {
    static final EnvironmentType<EchoAction, EchoObservation, BasicState> ECHO = WireTypes.ECHO;
    @RegisterExtension
    final LocalServers servers = new LocalServers();
    EnvServer server;

    void start(int sessions, ServerMode mode) {
        server = servers.start(EchoEnvironment::new, ECHO, c -> c.withMaxConcurrentEnvs(sessions).withMode(mode));
    }

    HttpResponse<String> call(String method, String path, String body, String session) throws Exception {
        return session == null ? servers.send(method, path, body) : servers.send(method, path, body, "X-OpenEnv-Session", session);
    }

    static JsonNode json(HttpResponse<String> r) {
        return WireCodec.standard().parse(r.body());
    }

    @Test
    void requestsWithoutAHeaderShareTheDefaultSession() throws Exception {
        start(1, ServerMode.SIMULATION);
        var reset = call("POST", "/reset", "{\"episode_id\":\"shared\"}", null);
        assertThat(reset.headers().firstValue("x-openenv-session")).hasValue("default");
        call("POST", "/step", "{\"action\":{\"message\":\"Hello\"}}", null);
        JsonNode state = json(call("GET", "/state", null, null));
        assertThat(state.path("episode_id").asString()).isEqualTo("shared");
        assertThat(state.path("step_count").asInt()).isEqualTo(1);
        // The default session takes no slot: a WebSocket client can still connect.
        try (var ws = WsProbe.open(server.baseUrl(), "/ws")) {
            ws.sendText("{\"type\":\"state\"}");
            assertThat(WireCodec.standard().parse(ws.next().text()).path("type").asString()).isEqualTo("state");
        }
    }

    @Test
    void isolatedSessionsAreCreatedOnRequestAndKeptApart() throws Exception {
        start(2, ServerMode.SIMULATION);
        String a = call("POST", "/reset", "{\"episode_id\":\"a\"}", "new").headers().firstValue("x-openenv-session").orElseThrow();
        String b = call("POST", "/reset", "{\"episode_id\":\"b\"}", "new").headers().firstValue("x-openenv-session").orElseThrow();
        assertThat(a).isNotEqualTo(b).isNotEqualTo("default");
        call("POST", "/step", "{\"action\":{\"message\":\"x\"}}", a);
        call("POST", "/step", "{\"action\":{\"message\":\"x\"}}", a);
        assertThat(json(call("GET", "/state", null, a)).path("step_count").asInt()).isEqualTo(2);
        assertThat(json(call("GET", "/state", null, b)).path("step_count").asInt()).isZero();
        assertThat(json(call("GET", "/state", null, b)).path("episode_id").asString()).isEqualTo("b");

        var full = call("POST", "/reset", "{}", "new");
        assertThat(full.statusCode()).isEqualTo(503);
        assertThat(json(full).path("detail").asString()).contains("Server at capacity: 2/2");
    }

    @Test
    void unknownSessionsAndMisusedHeadersAreClearErrors() throws Exception {
        start(2, ServerMode.SIMULATION);
        var unknown = call("GET", "/state", null, "no-such-session");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("detail").asString()).isEqualTo("Unknown session: no-such-session");
        var misuse = call("POST", "/step", "{\"action\":{\"message\":\"x\"}}", "new");
        assertThat(misuse.statusCode()).isEqualTo(400);
        assertThat(json(misuse).path("detail").asString()).contains("only valid on POST /reset");
    }

    @Test
    void environmentErrorsAreA500WithTheMessageAndTimeoutsA504() throws Exception {
        server = servers.start(FaultEnvironment::new,
                EnvironmentType.of("fault", FaultAction.class, FaultObservation.class, BasicState.class));
        var failed = call("POST", "/step", "{\"action\":{\"raise_error\":true}}", null);
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(json(failed).path("detail").asString()).contains("fault requested");
        var slow = call("POST", "/step", "{\"action\":{\"sleep_s\":30},\"timeout_s\":0.2}", null);
        assertThat(slow.statusCode()).isEqualTo(504);
        assertThat(json(slow).path("detail").asString()).contains("timeout of 0.2 s");
        var bad = call("POST", "/step", "{\"action\":{\"sleep_s\":-1}}", null);
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(json(bad).path("detail").path(0).path("type").asString()).isEqualTo("value_error");
        assertThat(call("GET", "/health", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void productionModeHidesTheSimulationRoutes() throws Exception {
        start(1, ServerMode.PRODUCTION);
        assertThat(call("POST", "/reset", "{}", null).statusCode()).isEqualTo(404);
        assertThat(call("POST", "/step", "{\"action\":{}}", null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/state", null, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/health", null, null).statusCode()).isEqualTo(200);
        JsonNode openapi = json(call("GET", "/openapi.json", null, null));
        assertThat(openapi.path("info").path("version").asString()).isEqualTo("1.0.0");
        assertThat(openapi.path("paths").has("/reset")).isFalse();
        assertThat(openapi.path("paths").has("/schema")).isTrue();
    }

    @Test
    void openApiAndSchemaDescribeTheEnvironment() throws Exception {
        start(1, ServerMode.SIMULATION);
        JsonNode openapi = json(call("GET", "/openapi.json", null, null));
        assertThat(openapi.path("openapi").asString()).isEqualTo("3.1.0");
        assertThat(openapi.path("paths").propertyNames()).contains("/reset", "/step", "/state", "/health", "/metadata", "/schema");
        JsonNode schema = json(call("GET", "/schema", null, null));
        assertThat(schema.path("action").path("required").path(0).asString()).isEqualTo("message");
        assertThat(schema.path("action").path("additionalProperties").asBoolean(true)).isFalse();
        assertThat(schema.path("observation").path("properties").propertyNames())
                .containsExactly("done", "reward", "metadata", "echoed_message", "message_length");
        assertThat(schema.path("state").path("properties").propertyNames()).containsExactly("episode_id", "step_count");
    }
}
