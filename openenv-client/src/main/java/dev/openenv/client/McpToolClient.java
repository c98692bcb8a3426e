package dev.openenv.client;

import dev.openenv.client.internal.ClientCore;
import dev.openenv.client.internal.McpHttpSession;
import dev.openenv.core.StepResult;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.mcp.ToolError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Lists and calls the tools of an MCP environment, by one of two paths, chosen when it connects:
 * <ul>
 *   <li>{@link Path#STEP} (a simulation-mode server, which serves {@code /reset}): {@code list_tools}
 *       and {@code call_tool} actions on the session's {@code /ws}, so tool calls count as steps and can
 *       earn rewards (what 0.3's {@code MCPToolClient} did);</li>
 *   <li>{@link Path#JSON_RPC} (a production-mode server, which hides {@code /reset}): what 0.10's
 *       {@code MCPToolClient} does. It opens a session with {@code openenv/session/create} over
 *       {@code POST /mcp}, attaches its WebSocket to it ({@code /ws?session_id=…}, so {@link #reset()}
 *       and the tools share one environment) and calls {@code tools/list} and {@code tools/call} over
 *       {@code /mcp}. Tool calls are not steps there: no reward, {@code done} false. {@link #close()}
 *       detaches the WebSocket, then closes the session with {@code openenv/session/close}.</li>
 * </ul>
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

    /** How tools are reached: as steps of the session, or as JSON-RPC calls on {@code /mcp}. */
    public enum Path { STEP, JSON_RPC }

    private final WireCodec codec = WireCodec.standard();
    private final McpHttpSession rpc; // null on the step path

    private McpToolClient(ClientCore core, McpHttpSession rpc) {
        super(core);
        this.rpc = rpc;
    }

    /** Connects to the server at {@code baseUrl}, on the path its mode calls for. */
    public static McpToolClient connect(String baseUrl) {
        return connect(baseUrl, ClientOptions.defaults());
    }

    public static McpToolClient connect(String baseUrl, ClientOptions options) {
        return open(baseUrl, options, null, null);
    }

    /** Connects on the given path, whatever the server's mode. */
    public static McpToolClient connect(String baseUrl, ClientOptions options, Path path) {
        return open(baseUrl, options, null, java.util.Objects.requireNonNull(path, "path"));
    }

    /** Starts a server with {@code provider} and connects to it; closing the client then stops the server. */
    public static McpToolClient start(EnvProvider provider) {
        return start(provider, ClientOptions.defaults());
    }

    /** {@link #start(EnvProvider)} with explicit client options. */
    public static McpToolClient start(EnvProvider provider, ClientOptions options) {
        return ClientCore.start(provider, running -> open(running.baseUrl(), options, running, null));
    }

    private static McpToolClient open(String baseUrl, ClientOptions options, RunningEnv started, Path path) {
        java.net.URI base = ClientCore.httpBase(baseUrl);
        Path chosen = path != null ? path : servesGymRoutes(base, options) ? Path.STEP : Path.JSON_RPC;
        if (chosen == Path.STEP) {
            return new McpToolClient(new ClientCore(baseUrl, options, started), null);
        }
        McpHttpSession session = McpHttpSession.create(base, options);
        try {
            return new McpToolClient(new ClientCore(base, options, started, session), session);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Whether the server serves {@code /reset} (simulation mode): {@code GET /reset} is 405 there, 404 in production. */
    private static boolean servesGymRoutes(java.net.URI base, ClientOptions options) {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/reset")).timeout(options.connectTimeout()).GET();
        options.headers().forEach(request::header);
        try {
            return ClientCore.http(options).send(request.build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() != 404;
        } catch (java.io.IOException e) {
            throw new ConnectException("Cannot reach " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvClientException("Interrupted while connecting to " + base, e);
        }
    }

    /** The path this client reaches tools by. */
    public Path path() {
        return rpc == null ? Path.STEP : Path.JSON_RPC;
    }

    /** Starts an episode. */
    public StepResult<Map<String, Object>> reset() {
        return core.await(core.reset(codec.object(Map.of()), this::plain));
    }

    /** The tools the environment offers (reads {@code input_schema} or {@code inputSchema}). */
    @SuppressWarnings("unchecked")
    public List<ToolInfo> listTools() {
        JsonNode tools;
        if (rpc != null) {
            JsonNode reply = rpc.call("tools/list", codec.object(Map.of()));
            if (reply.has("error")) {
                throw new EnvClientException("list_tools failed: " + reply.path("error").path("message").asString("unknown error"));
            }
            tools = reply.path("result").path("tools");
        } else {
            tools = core.await(core.step(codec.object(Map.of("type", "list_tools")), obs -> obs)).observation().path("tools");
        }
        List<ToolInfo> out = new ArrayList<>();
        for (JsonNode t : tools) {
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

    /** A tool call's value together with the step's reward and done flag (on the JSON-RPC path: no step, so reward null and done false). */
    public record ToolCall(Object value, Map<String, Object> result, Double reward, boolean done) {}

    @SuppressWarnings("unchecked")
    public ToolCall callWithResult(String tool, Map<String, ?> arguments) {
        if (rpc != null) {
            ObjectNode params = codec.object(Map.of("name", Objects.requireNonNull(tool, "tool")));
            params.set("arguments", codec.object(arguments == null ? Map.of() : arguments));
            JsonNode reply = rpc.call("tools/call", params);
            if (reply.has("error")) {
                String message = reply.path("error").path("message").asString("unknown error");
                throw new ToolCallException(tool, ToolError.classify(message).errorType().wire(), message);
            }
            JsonNode result = reply.path("result");
            Object value = result.isObject() && result.has("data") ? codec.toPlain(result.get("data")) : codec.toPlain(result);
            Map<String, Object> whole = result.isObject() ? (Map<String, Object>) codec.toPlain(result) : Map.of();
            return new ToolCall(value, whole, null, false);
        }
        ObjectNode action = codec.object(Map.of("type", "call_tool", "tool_name", Objects.requireNonNull(tool, "tool")));
        action.set("arguments", codec.object(arguments == null ? Map.of() : arguments));
        StepResult<JsonNode> step = core.await(core.step(action, observation -> observation));
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
