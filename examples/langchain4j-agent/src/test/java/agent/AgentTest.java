package agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.server.EnvServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The whole loop on real servers: no model runs here, the chat endpoint is {@link ScriptedChatModel}. */
@Timeout(60)
class AgentTest {
    @Test
    @SuppressWarnings("unchecked")
    void theModelsToolCallRunsInTheEnvironmentThroughSlashMcpAndItsResultReachesTheAnswer() throws Exception {
        try (var model = new ScriptedChatModel();
             var server = EnvServer.builder(Arithmetic::new).config(c -> c.withHost("127.0.0.1").withPort(0)).start();
             var agent = new Agent(server.baseUrl(), new Agent.ModelEndpoint(model.baseUrl(), "test-key", "scripted"))) {

            String answer = agent.ask("What is 17 times 23?");

            // The tool result as LangChain4j hands it to the model: our /mcp answers tools/call with
            // structuredContent {"result": 391} beside the text, as FastMCP does for a plain return value.
            assertThat(answer).isEqualTo("multiply says {\"result\":391}");
            assertThat(model.requests).hasSize(2);
            // The model was offered the environment's tools, as listed by tools/list on /mcp ...
            var offered = (List<Map<String, Object>>) model.requests.getFirst().get("tools");
            assertThat(offered).extracting(t -> ((Map<String, Object>) t.get("function")).get("name"))
                    .containsExactlyInAnyOrder("add", "multiply");
            // ... and the tool's result (computed by Arithmetic, reached through tools/call) came back to it.
            var messages = (List<Map<String, Object>>) model.requests.getLast().get("messages");
            assertThat(messages.getLast()).containsEntry("role", "tool").containsEntry("tool_call_id", "call_1");
            assertThat((String) messages.getLast().get("content")).contains("391");
        }
    }
}
