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

    @Test
    void aProductionServerIsReachedOverJsonRpcWithTheWebSocketAttachedToTheSameSession() {
        var server = servers.start(EchoMcpEnvironment::new, WireTypes.ECHO_MCP,
                c -> c.withMaxConcurrentEnvs(2).withMode(dev.openenv.server.ServerMode.PRODUCTION));
        try (var tools = McpToolClient.connect(server.baseUrl())) {
            assertThat(tools.path()).isEqualTo(McpToolClient.Path.JSON_RPC);
            assertThat(server.activeSessions()).as("one session: created over /mcp, spoken for by the WebSocket").isEqualTo(1);
            tools.reset();
            assertThat(tools.listTools()).extracting(McpToolClient.ToolInfo::name).containsExactly("echo_message", "echo_with_length");
            assertThat(tools.listTools().get(0).inputSchema()).containsEntry("required", java.util.List.of("message"));
            assertThat(tools.call("echo_message", Map.of("message", "Hi"))).isEqualTo("Hi");
            var call = tools.callWithResult("echo_with_length", Map.of("message", "héllo"));
            assertThat(call.value()).isEqualTo(Map.of("message", "héllo", "length", 5));
            assertThat(call.reward()).as("not a step: no reward").isNull();
            assertThatThrownBy(() -> tools.call("nope", Map.of())).isInstanceOfSatisfying(ToolCallException.class,
                    e -> assertThat(e.errorType()).isEqualTo("tool_not_found"));
            assertThatThrownBy(() -> tools.call("echo_message", Map.of("message", 3))).isInstanceOfSatisfying(ToolCallException.class,
                    e -> assertThat(e.getMessage()).contains("Input should be a valid string"));
            tools.reconnect();
            assertThat(server.activeSessions()).as("reconnect renews the session, it does not add one").isEqualTo(1);
            assertThat(tools.call("echo_message", Map.of("message", "again"))).isEqualTo("again");
        }
        dev.openenv.server.testing.Await.until("the /mcp session is closed with the client", () -> server.activeSessions() == 0);
    }

    @Test
    void theStepPathIsChosenForASimulationServerAndJsonRpcCanBeAskedFor() {
        var server = servers.start(EchoMcpEnvironment::new, WireTypes.ECHO_MCP, LocalServers.sessions(2));
        try (var step = McpToolClient.connect(server.baseUrl())) {
            assertThat(step.path()).isEqualTo(McpToolClient.Path.STEP);
        }
        try (var rpc = McpToolClient.connect(server.baseUrl(), ClientOptions.defaults(), McpToolClient.Path.JSON_RPC)) {
            assertThat(rpc.path()).isEqualTo(McpToolClient.Path.JSON_RPC);
            assertThat(rpc.call("echo_message", Map.of("message", "Hi"))).isEqualTo("Hi");
        }
        dev.openenv.server.testing.Await.until("every session closed", () -> server.activeSessions() == 0);
    }
}
