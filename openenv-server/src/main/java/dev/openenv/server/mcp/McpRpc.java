package dev.openenv.server.mcp;

import dev.openenv.core.Forkable;
import dev.openenv.core.json.ValidationError;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.mcp.McpEnvironment;
import dev.openenv.core.mcp.McpToolException;
import dev.openenv.core.mcp.Tool;
import dev.openenv.core.protocol.Failure;
import dev.openenv.server.metrics.ServerMetrics;
import dev.openenv.server.session.Session;
import dev.openenv.server.session.SessionManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where MCP JSON-RPC requests are validated and dispatched, for {@code POST /mcp}, {@code WS /mcp} and
 * the {@code {"type":"mcp"}} message of {@code /ws}: {@code tools/list}, {@code tools/call},
 * {@code openenv/session/create}, {@code openenv/session/close}, {@code openenv/session/fork} (ours), plus {@code initialize} and
 * {@code ping} so stock MCP clients can connect.
 *
 * <p>Which environment answers: the caller's own session on a WebSocket; else the session named by
 * {@code params.session_id}; else the default HTTP session (never a throwaway instance). Tool calls
 * here do not go through {@code step}, so they change no step count. Results use the reference's
 * shapes (0.10: camelCase tool listings, snake_case call results), or the MCP specification's for a
 * {@linkplain Caller#standard() standard} client.
 */
public final class McpRpc {
    private static final Set<String> REQUEST_KEYS = Set.of("jsonrpc", "method", "params", "id");
    private static final String PROTOCOL_VERSION = "2025-06-18";

    private final SessionManager sessions;
    private final WireCodec codec;
    private final String serverName;
    private final ServerMetrics metrics;

    /** Who is asking: the session their connection is bound to (or null) and whether they speak standard MCP. */
    public record Caller(Session boundSession, boolean standard) {}

    public McpRpc(SessionManager sessions, WireCodec codec, String serverName, ServerMetrics metrics) {
        this.metrics = metrics;
        this.sessions = sessions;
        this.codec = codec;
        this.serverName = serverName;
    }

    /** Whether {@code request} is a notification a standard client expects no answer to. */
    public static boolean isNotification(JsonNode request) {
        return request.isObject() && !request.has("id") && request.path("method").asString("").startsWith("notifications/");
    }

    /** Answers one parsed request. */
    public ObjectNode handle(JsonNode request, Caller caller) {
        if (!request.isObject()) {
            return error(null, new Failure.BadRequest("Invalid request: expected a JSON object"));
        }
        List<ValidationError> invalid = validate(request);
        if (!invalid.isEmpty()) {
            return error(null, new Failure.BadRequest("Invalid request: " + ValidationError.describe("JsonRpcRequest", invalid)));
        }
        JsonNode id = id(request.get("id"));
        String method = request.get("method").asString();
        JsonNode params = request.has("params") ? request.get("params") : JsonNodeFactory.instance.objectNode();
        try {
            return JsonRpc.result(id, dispatch(method, params, caller));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return error(id, Failure.of(e));
        }
    }

    /** The error answer to request {@code id}, counted. */
    public ObjectNode error(JsonNode id, Failure failure) {
        metrics.failed(failure);
        return JsonRpc.error(id, failure, codec);
    }

    /**
     * Checks a request as the reference's pydantic model {@code JsonRpcRequest} does, in its field order
     * ({@code jsonrpc: Literal["2.0"]}, {@code method: str}, {@code params: dict}, {@code id: str | int | None},
     * no other keys), with pydantic's error types, messages and inputs.
     */
    private static List<ValidationError> validate(JsonNode r) {
        List<ValidationError> errors = new ArrayList<>();
        JsonNode jsonrpc = r.get("jsonrpc");
        if (jsonrpc == null) {
            errors.add(error("missing", "jsonrpc", "Field required", r));
        } else if (!(jsonrpc.isString() && "2.0".equals(jsonrpc.asString()))) {
            errors.add(error("literal_error", "jsonrpc", "Input should be '2.0'", jsonrpc));
        }
        JsonNode method = r.get("method");
        if (method == null) {
            errors.add(error("missing", "method", "Field required", r));
        } else if (!method.isString()) {
            errors.add(error("string_type", "method", "Input should be a valid string", method));
        }
        JsonNode params = r.get("params");
        if (params != null && !params.isObject()) {
            errors.add(error("dict_type", "params", "Input should be a valid dictionary", params));
        }
        JsonNode id = r.get("id");
        if (id != null && !id.isNull() && id(id) == null) {
            errors.add(error("string_type", "id.str", "Input should be a valid string", id));
            errors.add(id.isNumber()
                    ? error("int_from_float", "id.int", "Input should be a valid integer, got a number with a fractional part", id)
                    : error("int_type", "id.int", "Input should be a valid integer", id));
        }
        for (var e : r.properties()) {
            if (!REQUEST_KEYS.contains(e.getKey())) {
                errors.add(error("extra_forbidden", e.getKey(), "Extra inputs are not permitted", e.getValue()));
            }
        }
        return errors;
    }

    /** The id as pydantic's lax {@code str | int} reads it (a whole float or a bool is an int), or null when it is neither. */
    private static JsonNode id(JsonNode id) {
        if (id == null || id.isNull() || id.isString() || id.isIntegralNumber()) {
            return id;
        }
        if (id.isBoolean()) {
            return JsonNodeFactory.instance.numberNode(id.booleanValue() ? 1 : 0);
        }
        if (id.isNumber() && Double.isFinite(id.doubleValue()) && id.doubleValue() == Math.rint(id.doubleValue())) {
            return JsonNodeFactory.instance.numberNode(id.decimalValue().toBigInteger());
        }
        return null;
    }

    private static ValidationError error(String type, String field, String msg, JsonNode input) {
        return new ValidationError(type, List.of(field), msg, input, null);
    }

    private JsonNode dispatch(String method, JsonNode params, Caller caller) throws Exception {
        return switch (method) {
            case "tools/list" -> listTools(params, caller);
            case "tools/call" -> callTool(params, caller);
            case "openenv/session/create" -> createSession(caller);
            case "openenv/session/close" -> closeSession(params, caller);
            case "openenv/session/fork" -> forkSession(params, caller);
            case "initialize" -> initialize(params);
            case "ping" -> JsonNodeFactory.instance.objectNode();
            default -> {
                if (method.startsWith("notifications/")) {
                    yield JsonNodeFactory.instance.objectNode();
                }
                throw Failure.raise(new Failure.NotFound("Method not found: " + method));
            }
        };
    }

    private JsonNode initialize(JsonNode params) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("protocolVersion", params.path("protocolVersion").asString(PROTOCOL_VERSION));
        out.putObject("capabilities").putObject("tools").put("listChanged", false);
        out.putObject("serverInfo").put("name", serverName).put("version", "0.1.0");
        return out;
    }

    private Session target(JsonNode params, Caller caller) {
        if (caller.boundSession() != null) {
            return caller.boundSession();
        }
        JsonNode sid = params.get("session_id");
        if (sid != null && !sid.isNull()) {
            String id = sid.asString();
            return sessions.find(id).orElseThrow(() -> Failure.raise(new Failure.InvalidParams("Unknown session_id: " + id)));
        }
        return sessions.defaultHttpSession();
    }

    /**
     * {@code tools/list}: 0.10's shape (what its FastMCP 3 stack emits: camelCase schemas, null title,
     * icons, annotations and execution, FastMCP's {@code meta}); a standard MCP client gets the spec's
     * shape, with only the keys that carry something.
     */
    private JsonNode listTools(JsonNode params, Caller caller) throws Exception {
        Session session = target(params, caller);
        return onSession(session, env -> {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            var list = out.putArray("tools");
            for (Tool t : env.listTools()) {
                ObjectNode o = list.addObject();
                o.put("name", t.name());
                if (!caller.standard()) {
                    o.putNull("title");
                }
                o.put("description", t.description());
                o.set("inputSchema", t.inputSchema());
                if (t.outputSchema() != null || !caller.standard()) {
                    o.set("outputSchema", t.outputSchema() == null ? JsonNodeFactory.instance.nullNode() : t.outputSchema());
                }
                if (!caller.standard()) {
                    o.putNull("icons");
                    o.putNull("annotations");
                    o.putObject("meta").putObject("fastmcp").putArray("tags");
                    o.putNull("execution");
                }
            }
            return out;
        });
    }

    private JsonNode callTool(JsonNode params, Caller caller) throws Exception {
        JsonNode name = params.get("name");
        if (name == null || !name.isString()) {
            throw Failure.raise(new Failure.InvalidParams("Missing 'name' in params"));
        }
        JsonNode arguments = params.path("arguments");
        Session session = target(params, caller);
        session.touch();
        return onSession(session, env -> {
            try {
                JsonNode result = env.callTool(name.asString(), arguments.isMissingNode() ? null : arguments, McpEnvironment.DEFAULT_TOOL_TIMEOUT);
                return caller.standard() ? standardResult(result) : result;
            } catch (McpToolException e) {
                if (caller.standard()) {
                    // Standard MCP reports a failed call as a result with isError, so agents can read why.
                    ObjectNode out = JsonNodeFactory.instance.objectNode();
                    out.putArray("content").addObject().put("type", "text").put("text", e.getMessage());
                    out.put("isError", true);
                    return out;
                }
                throw e; // an Execution failure: -32603 with the tool's message
            }
        });
    }

    private static JsonNode standardResult(JsonNode result) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        var content = out.putArray("content");
        result.path("content").forEach(c -> content.addObject().put("type", "text").put("text", c.path("text").asString("")));
        out.set("structuredContent", result.path("structured_content"));
        out.put("isError", result.path("is_error").asBoolean(false));
        return out;
    }

    private JsonNode createSession(Caller caller) {
        if (caller.boundSession() != null) {
            return JsonNodeFactory.instance.objectNode().put("session_id", caller.boundSession().id());
        }
        Session s = sessions.open(Session.Kind.HTTP);
        return JsonNodeFactory.instance.objectNode().put("session_id", s.id());
    }

    /** The most sessions one fork may open. */
    static final int MAX_FORKS = 64;

    /**
     * {@code openenv/session/fork} (ours): {@code count} new sessions, each continuing the episode of the
     * source session (the caller's own on a WebSocket, else {@code params.session_id}, else the default
     * HTTP session) from where it is now. They are sessions as {@code openenv/session/create} makes them
     * (a capacity slot each, idle-reaped, attachable with {@code /ws?session_id=}, closed with
     * {@code openenv/session/close} or {@code DELETE /session}); the source is not touched. All or none:
     * when one cannot be opened or restored, those already opened are closed.
     */
    private JsonNode forkSession(JsonNode params, Caller caller) throws Exception {
        JsonNode countNode = params.path("count");
        if (!countNode.isIntegralNumber() || countNode.asInt() < 1 || countNode.asInt() > MAX_FORKS) {
            throw Failure.raise(new Failure.InvalidParams("Invalid params - 'count' must be an integer from 1 to " + MAX_FORKS));
        }
        Session source = target(params, caller);
        Object snapshot = source.await(env -> {
            if (!(env instanceof Forkable<?> forkable)) {
                throw Failure.raise(new Failure.NotSupported("fork is not supported for this environment"));
            }
            return forkable.snapshot();
        }, null);
        List<Session> forks = new ArrayList<>();
        try {
            for (int i = 0; i < countNode.asInt(); i++) {
                Session fork = sessions.open(Session.Kind.HTTP);
                forks.add(fork);
                fork.await(env -> {
                    restore(env, snapshot);
                    return null;
                }, null);
            }
        } catch (Exception | Error e) {
            forks.forEach(f -> f.close("fork failed", true));
            throw e;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("source_session_id", source.id());
        var ids = out.putArray("session_ids");
        forks.forEach(f -> ids.add(f.id()));
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void restore(Object env, Object snapshot) {
        ((Forkable) env).restore(snapshot);
    }

    private JsonNode closeSession(JsonNode params, Caller caller) {
        JsonNode sid = params.get("session_id");
        if (sid == null || sid.isNull()) {
            throw Failure.raise(new Failure.InvalidParams("Invalid params - 'session_id' is required"));
        }
        String id = sid.asString();
        if (caller.boundSession() != null && caller.boundSession().id().equals(id)) {
            throw Failure.raise(new Failure.BadRequest("Cannot close active WebSocket-managed session via MCP method"));
        }
        Session s = sessions.find(id).filter(x -> x.kind() == Session.Kind.HTTP)
                .orElseThrow(() -> Failure.raise(new Failure.InvalidParams("Unknown session_id: " + id)));
        s.close("closed by openenv/session/close", true);
        return JsonNodeFactory.instance.objectNode().put("session_id", id).put("closed", true);
    }

    private interface EnvCall {
        JsonNode apply(McpEnvironment<?> env);
    }

    /** Runs {@code call} on the session's MCP environment, in its strand. */
    private static JsonNode onSession(Session session, EnvCall call) throws Exception {
        return session.await(env -> {
            if (!(env instanceof McpEnvironment<?> mcp)) {
                throw Failure.raise(new Failure.Execution("Environment does not support MCP"));
            }
            return call.apply(mcp);
        }, null);
    }
}
