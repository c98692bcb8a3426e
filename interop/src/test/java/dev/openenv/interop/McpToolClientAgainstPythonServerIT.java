package dev.openenv.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.client.GenericEnvClient;
import dev.openenv.client.McpToolClient;
import dev.openenv.client.ToolCallException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our McpToolClient against the reference's MCP echo environment served by the upstream library. */
@Timeout(120)
class McpToolClientAgainstPythonServerIT {
    static PythonServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = PythonServer.start("servers/py_mcp_echo_server.py", Map.of("MAX_CONCURRENT_ENVS", "4"));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void listsAndCallsTheReferenceTools() {
        try (var tools = McpToolClient.connect(server.baseUrl)) {
            tools.reset();
            assertThat(tools.listTools()).extracting(McpToolClient.ToolInfo::name).containsExactly("echo_message", "echo_with_length");
            assertThat(tools.listTools().get(0).inputSchema()).containsEntry("required", java.util.List.of("message"));
            assertThat(tools.call("echo_message", Map.of("message", "Hello"))).isEqualTo("Hello");
            assertThat(tools.call("echo_with_length", Map.of("message", "Hello World!")))
                    .isEqualTo(Map.of("message", "Hello World!", "length", 12));
            assertThatThrownBy(() -> tools.call("nope", Map.of()))
                    .isInstanceOfSatisfying(ToolCallException.class, e -> assertThat(e.errorType()).isEqualTo("tool_not_found"));
            assertThatThrownBy(() -> tools.call("echo_message", Map.of()))
                    .isInstanceOfSatisfying(ToolCallException.class, e -> assertThat(e.errorType()).isEqualTo("invalid_args"));
        }
    }

    @Test
    void toolCallsThroughStepCountAsSteps() {
        try (var generic = GenericEnvClient.connect(server.baseUrl)) {
            generic.reset();
            var result = generic.step(Map.of("type", "call_tool", "tool_name", "echo_message", "arguments", Map.of("message", "m")));
            assertThat(result.observation()).containsEntry("tool_name", "echo_message");
            assertThat(generic.state()).containsEntry("step_count", 1);
        }
    }
}
