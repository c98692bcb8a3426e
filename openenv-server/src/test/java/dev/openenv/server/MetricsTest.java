package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.server.testing.Await;
import dev.openenv.server.testing.LocalServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /metrics} counts what happened, in Prometheus text, behind the token when there is one. */
@Timeout(60)
class MetricsTest {
    @RegisterExtension
    final LocalServers servers = new LocalServers();

    @Test
    void sessionsStepsErrorsRefusalsAndBytesAreCounted() throws Exception {
        var server = servers.start(EchoEnvironment::new, SessionLifecycleTest.ECHO);
        try (var ws = WsProbe.open(server.baseUrl(), "/ws")) {
            ws.sendText("{\"type\":\"reset\",\"data\":{}}");
            ws.next();
            ws.sendText("{\"type\":\"step\",\"data\":{\"message\":\"hi\"}}");
            ws.next();
            ws.sendText("{\"type\":\"step\",\"data\":{\"message\":42}}");
            assertThat(ws.next().text()).contains("VALIDATION_ERROR");
            assertThat(value(scrape(), "openenv_sessions_active")).hasValue(1);
            try (var refused = WsProbe.open(server.baseUrl(), "/ws")) { // one slot: taken
                assertThat(refused.next().text()).contains("CAPACITY_REACHED");
            }
        }
        assertThat(servers.get("/nowhere").statusCode()).isEqualTo(404);
        Await.until("the session's slot freed", () -> value(scrape(), "openenv_sessions_active").orElse(-1) == 0);
        String text = scrape();
        assertThat(value(text, "openenv_sessions_opened_total{kind=\"websocket\"}")).hasValue(1);
        assertThat(value(text, "openenv_sessions_closed_total{by=\"client\"}")).hasValue(1);
        assertThat(value(text, "openenv_sessions_refused_total")).hasValue(1);
        assertThat(value(text, "openenv_step_seconds_count")).hasValue(1);
        assertThat(value(text, "openenv_steps_total")).hasValue(1);
        assertThat(value(text, "openenv_step_seconds_bucket{le=\"+Inf\"}")).hasValue(1);
        assertThat(value(text, "openenv_reset_seconds_count")).hasValue(1);
        assertThat(value(text, "openenv_errors_total{code=\"VALIDATION_ERROR\",kind=\"Invalid\"}")).hasValue(1);
        assertThat(value(text, "openenv_errors_total{code=\"CAPACITY_REACHED\",kind=\"CapacityReached\"}")).hasValue(1);
        assertThat(value(text, "openenv_errors_total{code=\"EXECUTION_ERROR\",kind=\"NotFound\"}")).hasValue(1);
        assertThat(value(text, "openenv_errors_total{code=\"EXECUTION_ERROR\",kind=\"Execution\"}")).isEmpty();
        // As read from the socket: three masked frames (6 header bytes each) and, perhaps, the closes.
        int payloads = "{\"type\":\"reset\",\"data\":{}}".length() + 2 * "{\"type\":\"step\",\"data\":{\"message\":\"hi\"}}".length() - 2;
        assertThat(value(text, "openenv_received_bytes_total{transport=\"websocket\"}").orElseThrow())
                .isBetween(payloads + 18.0, payloads + 18.0 + 2 * 8);
        assertThat(value(text, "openenv_sent_bytes_total{transport=\"websocket\"}").orElseThrow()).isGreaterThan(100);
        assertThat(value(text, "openenv_sent_bytes_total{transport=\"http\"}").orElseThrow()).isGreaterThan(0);
        assertThat(text).as("step latency histogram").contains("openenv_step_seconds_bucket{le=");
        assertThat(value(text, "jvm_threads_live_threads").orElseThrow()).isGreaterThan(1);
        assertThat(value(text, "process_files_open_files").orElseThrow()).isGreaterThan(1);
        assertThat(text).contains("jvm_memory_used_bytes{area=\"heap\"");
        assertThat(value(text, "openenv_jvm_heap_after_gc_bytes")).isPresent();
    }

    @Test
    void idleSessionsReapedAreCounted() throws Exception {
        servers.start(EchoEnvironment::new, SessionLifecycleTest.ECHO, c -> c.withIdleTimeout(Duration.ofMillis(200)));
        assertThat(servers.post("/reset", "{}", "X-OpenEnv-Session", "new").statusCode()).isEqualTo(200);
        Await.until("the idle session reaped", () -> value(scrape(), "openenv_sessions_reaped_total").orElse(0) == 1);
        String text = scrape();
        assertThat(value(text, "openenv_sessions_opened_total{kind=\"http\"}")).hasValue(1);
        assertThat(value(text, "openenv_sessions_closed_total{by=\"server\"}")).hasValue(1);
        assertThat(value(text, "openenv_sessions_active")).hasValue(0);
    }

    @Test
    void withATokenMetricsNeedIt() throws Exception {
        var server = servers.closeAfter(EnvServer.builder(EchoEnvironment::new).types(SessionLifecycleTest.ECHO)
                .config(LocalServers.local()).authToken("s3cret").start());
        HttpClient http = HttpClient.newHttpClient();
        var bare = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bare.statusCode()).isEqualTo(401);
        var withToken = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics"))
                .header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(withToken.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(withToken.body()).contains("openenv_sessions_active");
    }

    @Test
    void metricsCanBeTurnedOff() throws Exception {
        var server = servers.closeAfter(EnvServer.builder(EchoEnvironment::new).types(SessionLifecycleTest.ECHO)
                .config(LocalServers.local()).metrics(false).start());
        var off = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(off.statusCode()).isEqualTo(404);
    }

    private String scrape() {
        try {
            var res = servers.get("/metrics");
            assertThat(res.statusCode()).isEqualTo(200);
            return res.body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The value of the sample whose name and labels start with {@code series} (labels in Micrometer's sorted order). */
    static OptionalDouble value(String text, String series) {
        String prefix = series.endsWith("}") ? series.substring(0, series.length() - 1) : series;
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix) && (line.charAt(prefix.length()) == ' ' || line.charAt(prefix.length()) == '{'
                    || (series.endsWith("}") && (line.charAt(prefix.length()) == ',' || line.charAt(prefix.length()) == '}')))) {
                return OptionalDouble.of(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return OptionalDouble.empty();
    }
}
