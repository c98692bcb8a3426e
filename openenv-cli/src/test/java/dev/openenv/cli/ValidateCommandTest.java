package dev.openenv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.openenv.envs.BundledEnvironments;
import dev.openenv.server.EnvServer;
import dev.openenv.server.ServerConfig;
import dev.openenv.server.ServerMode;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code openenv validate}: real servers on port 0 pass, broken ones and broken projects fail with the check named. */
@Timeout(60)
class ValidateCommandTest {
    @RegisterExtension
    final CliOutput cli = new CliOutput();

    @SuppressWarnings({"unchecked", "rawtypes"})
    static EnvServer serve(String name, UnaryOperator<ServerConfig> config) {
        BundledEnvironments.Entry raw = BundledEnvironments.find(name).orElseThrow();
        return EnvServer.builder(raw.factory()).types(raw.type())
                .config(config.apply(ServerConfig.defaults().withHost("127.0.0.1").withPort(0))).start();
    }

    JsonNode report() {
        return JsonMapper.builder().build().readTree(cli.out());
    }

    List<String> failed(JsonNode report) {
        var ids = new ArrayList<String>();
        report.path("summary").path("failed_criteria").forEach(n -> ids.add(n.asString()));
        return ids;
    }

    @Test
    void theBundledEchoServerPassesEveryRuntimeCheckOverHttpAndWebSocket() {
        try (var server = serve("echo", c -> c.withMaxConcurrentEnvs(2))) {
            assertThat(Main.run("validate", "--url", server.baseUrl(), "--json")).as(cli.out()).isZero();
            JsonNode report = report();
            assertThat(report.path("passed").asBoolean()).isTrue();
            assertThat(report.path("validation_type").asString()).isEqualTo("running_environment");
            assertThat(report.path("mode").asString()).isEqualTo("simulation");
            var ids = new ArrayList<String>();
            report.path("criteria").forEach(c -> ids.add(c.path("id").asString()));
            assertThat(ids).contains("health_endpoint", "http_step", "ws_step", "ws_invalid_json", "ws_invalid_action", "ws_capacity", "mcp_endpoint");
            assertThat(report.toString()).contains("limit 2 sessions");
        }
    }

    @Test
    void aServerWithTasksPassesTheTaskApiChecks() {
        try (var server = serve("gridworld", c -> c.withMaxConcurrentEnvs(2))) {
            assertThat(Main.run("validate", "--url", server.baseUrl(), "--json")).as(cli.out()).isZero();
            var ids = new ArrayList<String>();
            report().path("criteria").forEach(c -> ids.add(c.path("id").asString()));
            assertThat(ids).contains("task_splits", "task_count", "task_list", "task_get", "task_range", "task_index_out_of_range");
        }
    }

    @Test
    void everyBundledEnvironmentPassesTheRuntimeChecks() {
        for (String name : dev.openenv.envs.BundledEnvironments.all().stream().map(e -> e.name()).toList()) {
            try (var server = serve(name, c -> c.withMaxConcurrentEnvs(2))) {
                assertThat(Main.run("validate", "--url", server.baseUrl(), "--json")).as("%s: %s", name, cli.out()).isZero();
            }
        }
    }

    @Test
    void withoutTasksTheTaskApiChecksAreSkipped() {
        try (var server = serve("echo", c -> c.withMaxConcurrentEnvs(2))) {
            assertThat(Main.run("validate", "--url", server.baseUrl(), "--json")).as(cli.out()).isZero();
            assertThat(report().toString()).contains("Task API (skipped: not declared)");
        }
    }

    @Test
    void anMcpEnvironmentInProductionModeHidesSimulationAndListsItsTools() {
        try (var server = serve("echo-mcp", c -> c.withMode(ServerMode.PRODUCTION))) {
            assertThat(Main.run("validate", server.baseUrl())).as(cli.out()).isZero();
            assertThat(cli.out()).contains("(mode: production)").contains("PASS production_hides_simulation")
                    .contains("PASS mcp_tools_list").contains("Verdict: PASS");
        }
    }

    @Test
    void nothingListeningFailsTheHealthCheckWithExitOne() throws Exception {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(Main.run("validate", "--url", "http://127.0.0.1:" + port, "--timeout", "1")).isEqualTo(1);
        assertThat(cli.out()).contains("FAIL health_endpoint").contains("Verdict: FAIL");
    }

    @Test
    void aServerThatAnswersEverythingWithAnEmptyObjectFailsTheProtocolChecks() throws Exception {
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/", exchange -> {
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        fake.start();
        try {
            assertThat(Main.run("validate", "--url", "http://127.0.0.1:" + fake.getAddress().getPort(), "--json", "--timeout", "2")).isEqualTo(1);
            assertThat(failed(report())).contains("health_endpoint", "metadata_endpoint", "schema_endpoint", "mcp_endpoint");
        } finally {
            fake.stop(0);
        }
    }

    @Test
    void anEmptyDirectoryIsNotAProject(@TempDir Path dir) {
        assertThat(Main.run("validate", dir.toString())).isEqualTo(1);
        assertThat(cli.out()).contains("FAIL manifest.present").contains("FAIL layout.build");
    }

    @Test
    void aManifestWithoutTheValidationBlockFailsAsUpstreamWould(@TempDir Path dir) throws Exception {
        Main.run("init", "guess", "--dir", dir.toString());
        Files.writeString(dir.resolve("openenv.yaml"), "spec_version: 1\nname: guess\nversion: 0.1.0\nport: 8000\n");
        cli.reset();
        assertThat(Main.run("validate", dir.toString(), "--json")).isEqualTo(1);
        assertThat(failed(report())).containsExactly("manifest.fields", "manifest.validation");
    }

    @Test
    void badUsage() {
        assertThat(Main.run("validate", "a", "b")).isEqualTo(2);
        assertThat(Main.run("validate", "/no/such/dir")).isEqualTo(2);
        assertThat(Main.run("validate", "http://a:1", "--url", "http://b:2")).isEqualTo(2);
    }
}
