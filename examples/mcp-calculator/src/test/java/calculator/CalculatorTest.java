package calculator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.client.McpToolClient;
import dev.openenv.server.EnvServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class CalculatorTest {
    private EnvServer server;

    @BeforeEach
    void start() {
        server = EnvServer.builder(Calculator::new).config(c -> c.withHost("127.0.0.1").withPort(0)).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theJavaToolClientListsAndCallsBothTools() {
        try (var tools = McpToolClient.connect(server.baseUrl())) {
            tools.reset();
            assertThat(tools.listTools()).extracting(McpToolClient.ToolInfo::name).containsExactlyInAnyOrder("add", "greet");
            assertThat(tools.call("add", Map.of("a", 2, "b", 3))).hasToString("5");
            assertThat(tools.call("greet", Map.of("name", "Ada"))).isEqualTo("Hello, Ada");
        }
    }

    @Test
    void anyMcpClientCanCallTheToolsWithJsonRpcOnSlashMcp() throws Exception {
        var call = """
                {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                 "params": {"name": "add", "arguments": {"a": 20, "b": 22}}}""";
        try (var http = HttpClient.newHttpClient()) {
            var response = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/mcp"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(call)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"id\":1").contains("42").doesNotContain("\"error\"");
        }
    }
}
