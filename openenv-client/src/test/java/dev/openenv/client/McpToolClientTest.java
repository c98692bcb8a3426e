package dev.openenv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.envs.echomcp.EchoMcpEnvironment;
import dev.openenv.server.testing.LocalServers;
import dev.openenv.server.testing.WireTypes;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class McpToolClientTest {
    @RegisterExtension
    final LocalServers servers = new LocalServers();

    @Test
    void listsAndCallsToolsOverTheStepPath() {
        var server = servers.start(EchoMcpEnvironment::new,
                WireTypes.ECHO_MCP, LocalServers.sessions(2));
        try (var tools = McpToolClient.connect(server.baseUrl());
             var generic = GenericEnvClient.connect(server.baseUrl())) {
            tools.reset();
            assertThat(tools.listTools()).extracting(McpToolClient.ToolInfo::name).containsExactly("echo_message", "echo_with_length");
            assertThat(tools.listTools().get(0).inputSchema()).containsEntry("required", java.util.List.of("message"));
            assertThat(tools.call("echo_message", Map.of("message", "Hi"))).isEqualTo("Hi");
            assertThat(tools.call("echo_with_length", Map.of("message", "Hello World!")))
                    .isEqualTo(Map.of("message", "Hello World!", "length", 12));
            assertThat(tools.hasTool("echo_message")).isTrue();
            assertThatThrownBy(() -> tools.call("nope", Map.of())).isInstanceOfSatisfying(ToolCallException.class, e -> {
                assertThat(e.errorType()).isEqualTo("tool_not_found");
                assertThat(e.getMessage()).isEqualTo("Tool 'nope' failed: Unknown tool: 'nope' (type: tool_not_found)");
            });
            assertThatThrownBy(() -> tools.call("echo_message", Map.of()))
                    .isInstanceOfSatisfying(ToolCallException.class, e -> assertThat(e.errorType()).isEqualTo("invalid_args"));
            assertThat(tools.callWithResult("echo_message", Map.of("message", "x")).result()).containsKey("structured_content");
            // Each session keeps its own environment.
            generic.reset();
            assertThat(generic.state()).containsEntry("step_count", 0);
        }
    }
}
