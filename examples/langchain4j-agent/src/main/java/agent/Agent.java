package agent;

import dev.langchain4j.mcp.McpToolProvider;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import java.time.Duration;

/**
 * An LLM agent whose tools are an OpenEnv environment's: LangChain4j's stock MCP client talks to the
 * environment server's {@code /mcp} endpoint (Streamable HTTP), and the model is any OpenAI-compatible
 * chat endpoint. The agent loop (model asks for a tool, the tool runs, the model answers) is LangChain4j's.
 */
public final class Agent implements AutoCloseable {
    /** What LangChain4j implements: one question in, the model's final answer out. */
    interface Assistant {
        String chat(String question);
    }

    /** An OpenAI-compatible chat endpoint: {@code baseUrl} ends before {@code /chat/completions}. */
    public record ModelEndpoint(String baseUrl, String apiKey, String model) {
        /** From {@code OPENAI_BASE_URL}, {@code OPENAI_API_KEY} and {@code OPENAI_MODEL}. */
        public static ModelEndpoint fromEnvironment() {
            return new ModelEndpoint(
                    System.getenv().getOrDefault("OPENAI_BASE_URL", "https://api.openai.com/v1"),
                    System.getenv().getOrDefault("OPENAI_API_KEY", "unset"),
                    System.getenv().getOrDefault("OPENAI_MODEL", "gpt-4o-mini"));
        }
    }

    private final McpClient tools;
    private final Assistant assistant;

    /** An agent using the tools of the OpenEnv server at {@code environmentUrl} (e.g. http://localhost:8000). */
    public Agent(String environmentUrl, ModelEndpoint endpoint) {
        tools = new DefaultMcpClient.Builder()
                .clientName("openenv-langchain4j-example")
                .transport(new StreamableHttpMcpTransport.Builder()
                        .url(environmentUrl + "/mcp")
                        .timeout(Duration.ofSeconds(30))
                        .build())
                .build();
        var model = OpenAiChatModel.builder()
                .baseUrl(endpoint.baseUrl())
                .apiKey(endpoint.apiKey())
                .modelName(endpoint.model())
                .timeout(Duration.ofSeconds(60))
                .build();
        assistant = AiServices.builder(Assistant.class)
                .chatModel(model)
                .toolProvider(McpToolProvider.builder().mcpClients(tools).build())
                .build();
    }

    /** Runs the agent loop for one question and returns the model's final answer. */
    public String ask(String question) {
        return assistant.chat(question);
    }

    @Override
    public void close() throws Exception {
        tools.close();
    }
}
