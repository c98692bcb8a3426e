package dev.openenv.envs.echomcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.mcp.CallToolAction;
import dev.openenv.core.mcp.CallToolObservation;
import dev.openenv.core.mcp.EmptyObservation;
import dev.openenv.core.mcp.ListToolsAction;
import dev.openenv.core.mcp.ListToolsObservation;
import dev.openenv.core.mcp.McpToolException;
import dev.openenv.core.mcp.Tool;
import dev.openenv.core.mcp.ToolError;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.node.JsonNodeFactory;

/** The MCP echo environment: its two tools, their results and errors, and which calls count as steps. */
@Timeout(30)
class EchoMcpRulesTest {
    final EchoMcpEnvironment env = new EchoMcpEnvironment();

    CallToolObservation call(String tool, Map<String, ?> arguments) {
        return (CallToolObservation) env.step(new CallToolAction(tool, arguments)).observation();
    }

    @Test
    void resetIsEmptyAndSaysReady() {
        var r = env.reset(ResetRequest.none().withEpisodeId("mcp-1"));
        assertThat(r.observation()).isInstanceOf(EmptyObservation.class);
        assertThat(r.metadata()).isEqualTo(Map.of("status", "ready", "message", "Echo environment ready!"));
        assertThat(env.state().episodeId()).isEqualTo("mcp-1");
    }

    @Test
    void listingShowsBothToolsWithAMessageArgument() {
        env.reset();
        var list = (ListToolsObservation) env.step(new ListToolsAction()).observation();
        assertThat(list.tools()).extracting(Tool::name).containsExactlyInAnyOrder("echo_message", "echo_with_length");
        for (Tool t : list.tools()) {
            assertThat(t.inputSchema().path("properties").has("message")).as(t.name()).isTrue();
            assertThat(t.inputSchema().path("required").toString()).contains("message");
        }
    }

    @Test
    void echoMessageReturnsTheMessage() {
        env.reset();
        var r = call("echo_message", Map.of("message", "hi there"));
        assertThat(r.error()).isNull();
        assertThat(r.result().path("data").asString()).isEqualTo("hi there");
        assertThat(r.result().path("content").get(0).path("text").asString()).isEqualTo("hi there");
        assertThat(r.result().path("is_error").asBoolean()).isFalse();
    }

    @Test
    void echoWithLengthCountsCodePoints() {
        env.reset();
        var r = call("echo_with_length", Map.of("message", "héllo😀"));
        assertThat(r.error()).isNull();
        assertThat(r.result().path("structured_content").path("message").asString()).isEqualTo("héllo😀");
        assertThat(r.result().path("structured_content").path("length").asInt()).isEqualTo(6);
    }

    @Test
    void anUnknownToolIsReportedNotThrown() {
        env.reset();
        var r = call("shout", Map.of("message", "x"));
        assertThat(r.result()).isNull();
        assertThat(r.error().errorType()).isEqualTo(ToolError.Type.TOOL_NOT_FOUND);
        assertThat(r.toolName()).isEqualTo("shout");
    }

    @Test
    void aMissingArgumentIsInvalidArgs() {
        env.reset();
        var r = call("echo_message", Map.of());
        assertThat(r.result()).isNull();
        assertThat(r.error().errorType()).isEqualTo(ToolError.Type.INVALID_ARGS);
    }

    @Test
    void everyStepCountsButDirectToolCallsDoNot() {
        env.reset();
        env.step(new ListToolsAction());
        call("echo_message", Map.of("message", "a"));
        call("nope", Map.of());
        assertThat(env.state().stepCount()).isEqualTo(3);
        var args = JsonNodeFactory.instance.objectNode().put("message", "direct");
        assertThat(env.callTool("echo_message", args, Duration.ofSeconds(5)).path("data").asString()).isEqualTo("direct");
        assertThat(env.state().stepCount()).isEqualTo(3);
        assertThatThrownBy(() -> env.callTool("nope", args, Duration.ofSeconds(5))).isInstanceOf(McpToolException.class);
        env.reset();
        assertThat(env.state().stepCount()).isZero();
    }
}
