package agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.json.JsonMapper;

/**
 * A scripted stand-in for an OpenAI-compatible chat endpoint ({@code POST /v1/chat/completions}), so the
 * agent loop runs in CI without a model: asked a question, it calls the {@code multiply} tool with the
 * numbers 17 and 23; shown the tool's result, it answers with that result as given. It records every request.
 */
final class ScriptedChatModel implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    final List<Map<String, Object>> requests = new CopyOnWriteArrayList<>();

    ScriptedChatModel() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", this::complete);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    @SuppressWarnings("unchecked")
    private void complete(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, Object> request = JSON.readValue(exchange.getRequestBody().readAllBytes(), Map.class);
            requests.add(request);
            var messages = (List<Map<String, Object>>) request.get("messages");
            var last = messages.getLast();
            Map<String, Object> message;
            String finish;
            if ("tool".equals(last.get("role"))) {
                message = Map.of("role", "assistant", "content", "multiply says " + last.get("content"));
                finish = "stop";
            } else {
                var call = Map.of("id", "call_1", "type", "function",
                        "function", Map.of("name", "multiply", "arguments", "{\"a\": 17, \"b\": 23}"));
                message = Map.of("role", "assistant", "tool_calls", List.of(call));
                finish = "tool_calls";
            }
            byte[] body = JSON.writeValueAsBytes(Map.of(
                    "id", "chatcmpl-" + requests.size(), "object", "chat.completion", "created", 0, "model", "scripted",
                    "choices", List.of(Map.of("index", 0, "message", message, "finish_reason", finish)),
                    "usage", Map.of("prompt_tokens", 1, "completion_tokens", 1, "total_tokens", 2)));
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (RuntimeException e) {
            exchange.sendResponseHeaders(500, -1);
            throw e;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
