package dev.openenv.client;

import dev.openenv.client.internal.ClientCore;
import dev.openenv.core.StepResult;
import dev.openenv.core.json.WireCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Lists and calls the tools of an MCP environment, over one session's step path (what the reference's
 * {@code MCPToolClient} does by default in simulation): {@code list_tools} and {@code call_tool} actions
 * on {@code /ws}, so tool calls count as steps and can earn rewards.
 *
 * <pre>{@code
 * try (var tools = McpToolClient.connect("http://localhost:8000")) {
 *     tools.reset();
 *     Object echoed = tools.call("echo_message", Map.of("message", "Hi"));   // "Hi"
 * }
 * }</pre>
 * A failed call throws {@link ToolCallException} with the reference's error type
 * ({@code tool_not_found}, {@code invalid_args}, {@code execution_error}, {@code timeout}).
 */
public final class McpToolClient extends SessionClient {
    /** A tool as the environment lists it. */
    public record ToolInfo(String name, String description, Map<String, Object> inputSchema) {}

    private final WireCodec codec = WireCodec.standard();

    private McpToolClient(String baseUrl, ClientOptions options, RunningEnv started) {
        super(baseUrl, options, started);
    }

    public static McpToolClient connect(String baseUrl) {
        return new McpToolClient(baseUrl, ClientOptions.defaults(), null);
    }

    public static McpToolClient connect(String baseUrl, ClientOptions options) {
        return new McpToolClient(baseUrl, options, null);
    }

    /** Starts a server with {@code provider} and connects to it; closing the client then stops the server. */
    public static McpToolClient start(EnvProvider provider) {
        return start(provider, ClientOptions.defaults());
    }

    /** {@link #start(EnvProvider)} with explicit client options. */
    public static McpToolClient start(EnvProvider provider, ClientOptions options) {
        return ClientCore.start(provider, running -> new McpToolClient(running.baseUrl(), options, running));
    }

    /** Starts an episode. */
    public StepResult<Map<String, Object>> reset() {
        return ClientCore.await(core.reset(codec.object(Map.of()), this::plain));
    }

    /** The tools the environment offers (reads {@code input_schema} or {@code inputSchema}). */
    @SuppressWarnings("unchecked")
    public List<ToolInfo> listTools() {
        JsonNode observation = ClientCore.await(core.step(codec.object(Map.of("type", "list_tools")), obs -> obs)).observation();
        List<ToolInfo> out = new ArrayList<>();
        for (JsonNode t : observation.path("tools")) {
            JsonNode schema = t.has("input_schema") ? t.get("input_schema") : t.path("inputSchema");
            out.add(new ToolInfo(t.path("name").asString(), t.path("description").asString(""),
                    schema.isObject() ? (Map<String, Object>) codec.toPlain(schema) : Map.of()));
        }
        return out;
    }

    /**
     * Calls a tool and returns its value: the result's {@code data} when present, else the whole result
     * as a map, as the reference's {@code call_tool} does.
     */
    public Object call(String tool, Map<String, ?> arguments) {
        return callWithResult(tool, arguments).value();
    }

    /** A tool call's value together with the step's reward and done flag. */
    public record ToolCall(Object value, Map<String, Object> result, Double reward, boolean done) {}

    @SuppressWarnings("unchecked")
    public ToolCall callWithResult(String tool, Map<String, ?> arguments) {
        ObjectNode action = codec.object(Map.of("type", "call_tool", "tool_name", Objects.requireNonNull(tool, "tool")));
        action.set("arguments", codec.object(arguments == null ? Map.of() : arguments));
        StepResult<JsonNode> step = ClientCore.await(core.step(action, observation -> observation));
        JsonNode obs = step.observation();
        JsonNode error = obs.path("error");
        if (error.isObject()) {
            throw new ToolCallException(tool, error.path("error_type").asString("execution_error"), error.path("message").asString(""));
        }
        JsonNode result = obs.path("result");
        Object value = result.isObject() && result.has("data") ? codec.toPlain(result.get("data"))
                : result.isMissingNode() ? null : codec.toPlain(result);
        Map<String, Object> whole = result.isObject() ? (Map<String, Object>) codec.toPlain(result) : Map.of();
        return new ToolCall(value, whole, step.reward(), step.done());
    }

    /** Whether the environment offers a tool of that name. */
    public boolean hasTool(String name) {
        return listTools().stream().anyMatch(t -> t.name().equals(name));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> plain(JsonNode node) {
        Object p = codec.toPlain(node);
        return p instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
