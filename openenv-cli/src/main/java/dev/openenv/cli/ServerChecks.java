package dev.openenv.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The runtime half of {@code openenv validate --url URL}: talks to any running OpenEnv server (ours or
 * upstream's) over plain HTTP and WebSocket and grades what it answers against the 0.10 protocol:
 * health, metadata, schema, OpenAPI and mode, reset/step/state over HTTP and over {@code /ws}, the
 * error codes of malformed frames and invalid actions, the session limit, and MCP when present.
 * A valid action is made from the server's own {@code /schema}.
 */
final class ServerChecks {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final String base;
    private final Duration timeout;
    private final int capacityProbe;
    private final HttpClient http;
    private final List<Criterion> out = new ArrayList<>();
    String mode = "unknown";

    ServerChecks(String base, Duration timeout, int capacityProbe) {
        this.base = base.replaceAll("/+$", "");
        this.timeout = timeout;
        this.capacityProbe = capacityProbe;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** A response: status and body parsed as JSON (a missing node when it is not JSON). */
    private record Reply(int status, JsonNode json, String body) {}

    List<Criterion> run() {
        Reply health = get("/health");
        out.add(Criterion.of("health_endpoint", "GET /health returns 200 {\"status\": \"healthy\"}",
                health.status == 200 && health.json.path("status").asString("").equals("healthy"), describe(health)));
        if (health.status < 0) {
            return out;   // nothing listens: the other checks would only repeat that
        }
        Reply metadata = get("/metadata");
        out.add(Criterion.of("metadata_endpoint", "GET /metadata returns name and description",
                metadata.status == 200 && metadata.json.path("name").isString() && metadata.json.path("description").isString(),
                metadata.status == 200 ? "name: " + metadata.json.path("name").asString("(none)") : describe(metadata)));
        Reply schema = get("/schema");
        boolean schemaOk = schema.status == 200 && schema.json.path("action").isObject() && schema.json.path("observation").isObject()
                && schema.json.path("state").isObject();
        out.add(Criterion.of("schema_endpoint", "GET /schema returns action, observation and state JSON Schemas", schemaOk, schemaOk ? null : describe(schema)));
        Reply openapi = get("/openapi.json");
        JsonNode paths = openapi.json.path("paths");
        out.add(Criterion.of("openapi_version_available", "GET /openapi.json returns info.version",
                openapi.status == 200 && openapi.json.path("info").path("version").isString(), describe(openapi)));
        if (paths.isObject() && paths.size() > 0) {
            boolean reset = paths.has("/reset");
            mode = reset ? "simulation" : "production";
            boolean consistent = reset ? paths.has("/step") && paths.has("/state") : !paths.has("/step") && !paths.has("/state");
            out.add(Criterion.of("mode_endpoint_consistency", "the OpenAPI paths match the mode (reset, step, state all or none)", consistent, "mode: " + mode));
        } else {
            out.add(Criterion.fail("mode_endpoint_consistency", "the OpenAPI paths match the mode", "no paths in /openapi.json"));
        }
        JsonNode action = schemaOk ? sample(schema.json.path("action"), schema.json.path("action")) : F.objectNode();
        if (mode.equals("production")) {
            Reply r = post("/reset", "{}");
            out.add(Criterion.of("production_hides_simulation", "production mode: POST /reset is not served (404/405)",
                    r.status == 404 || r.status == 405, describe(r)));
        } else {
            httpEpisode(action);
            wsSession(action);
            capacity();
        }
        mcp();
        tasks();
        return out;
    }

    /**
     * The Task API of 0.10, when the server declares one: {@code /list_environments} names the environment and
     * {@code /{env}/splits} answers (a 501 or 404 there means no tasks, and the checks are skipped). Then each
     * split's {@code num_tasks}, its first task, a {@code task_range} and {@code tasks} must agree, and an index
     * past the end must be refused with a 4xx.
     */
    private void tasks() {
        Reply envs = get("/list_environments");
        String env = envs.status == 200 && envs.json.isArray() && !envs.json.isEmpty() ? envs.json.get(0).asString("") : "";
        Reply splits = env.isEmpty() ? envs : get("/" + env + "/splits");
        if (env.isEmpty() || splits.status == 501 || splits.status == 404) {
            out.add(new Criterion("task_api", "Task API (skipped: not declared)", true, false, describe(splits)));
            return;
        }
        boolean listed = splits.status == 200 && splits.json.isArray() && !splits.json.isEmpty()
                && splits.json.get(0).path("name").isString();
        out.add(Criterion.of("task_splits", "GET /{env}/splits lists splits with a name", listed, describe(splits)));
        if (!listed) {
            return;
        }
        String split = splits.json.get(0).path("name").asString();
        String q = "{\"split\":" + F.stringNode(split) + "}";
        Reply count = post("/" + env + "/num_tasks", q);
        int n = count.json.path("num_tasks").asInt(-1);
        out.add(Criterion.of("task_count", "POST /{env}/num_tasks gives a count for split '" + split + "'",
                count.status == 200 && n >= 0, describe(count)));
        Reply all = post("/" + env + "/tasks", q);
        out.add(Criterion.of("task_list", "POST /{env}/tasks lists as many tasks as num_tasks",
                all.status == 200 && all.json.path("tasks").size() == n, describe(all)));
        if (n > 0) {
            Reply first = post("/" + env + "/task", "{\"split\":" + F.stringNode(split) + ",\"index\":0}");
            out.add(Criterion.of("task_get", "POST /{env}/task index 0 is the first of /tasks",
                    first.status == 200 && first.json.path("task").equals(all.json.path("tasks").path(0)), describe(first)));
            Reply range = post("/" + env + "/task_range", "{\"split\":" + F.stringNode(split) + ",\"start\":0,\"stop\":1}");
            out.add(Criterion.of("task_range", "POST /{env}/task_range [0, 1) is that same task",
                    range.status == 200 && range.json.path("tasks").size() == 1 && range.json.path("tasks").path(0).equals(all.json.path("tasks").path(0)),
                    describe(range)));
        }
        Reply past = post("/" + env + "/task", "{\"split\":" + F.stringNode(split) + ",\"index\":" + Math.max(n, 0) + "}");
        out.add(Criterion.of("task_index_out_of_range", "POST /{env}/task past the last index is refused (4xx)",
                past.status >= 400 && past.status < 500, describe(past)));
    }

    private void httpEpisode(JsonNode action) {
        Reply reset = post("/reset", "{}");
        out.add(Criterion.of("http_reset", "POST /reset {} returns 200 with observation, reward and done",
                reset.status == 200 && reset.json.path("observation").isObject() && reset.json.has("done") && reset.json.path("done").isBoolean(),
                describe(reset)));
        Reply step = post("/step", F.objectNode().set("action", action).toString());
        out.add(Criterion.of("http_step", "POST /step with an action made from /schema returns 200 with an observation",
                step.status == 200 && step.json.path("observation").isObject(), "action " + action + " → " + describe(step)));
        var bad = F.objectNode();
        bad.set("action", F.objectNode().put("openenv_validate_unknown_field", 1));
        Reply invalid = post("/step", bad.toString());
        out.add(Criterion.of("http_step_invalid_action", "POST /step with an unknown action field returns 422 with a detail list",
                invalid.status == 422 && invalid.json.path("detail").isArray(), describe(invalid)));
        Reply state = get("/state");
        out.add(Criterion.of("http_state", "GET /state returns 200 with episode_id and step_count",
                state.status == 200 && state.json.has("episode_id") && state.json.path("step_count").isInt(), describe(state)));
    }

    private void wsSession(JsonNode action) {
        try (var ws = CheckSession.open(http, base, timeout)) {
            JsonNode reset = ws.ask("{\"type\":\"reset\",\"data\":{\"seed\":1}}");
            out.add(Criterion.of("ws_reset", "/ws reset answers an observation frame with observation and done",
                    reset.path("type").asString("").equals("observation") && reset.path("data").path("observation").isObject()
                            && reset.path("data").path("done").isBoolean(), String.valueOf(reset)));
            JsonNode step = ws.ask(F.objectNode().put("type", "step").set("data", action).toString());
            out.add(Criterion.of("ws_step", "/ws step with an action made from /schema answers an observation frame",
                    step.path("type").asString("").equals("observation"), String.valueOf(step)));
            JsonNode state = ws.ask("{\"type\":\"state\"}");
            // 1 after the step, or 0 when the environment did not count it (Wordle does not count a guess outside
            // its word list, which a sample action made from the schema is): anything else is another session's.
            int steps = state.path("data").path("step_count").asInt(-1);
            out.add(Criterion.of("ws_state", "/ws state answers this session's state (step_count 1 after one step, or 0 if not counted)",
                    state.path("type").asString("").equals("state") && (steps == 0 || steps == 1), String.valueOf(state)));
            out.add(errorCode(ws, "ws_invalid_json", "not JSON", "{not json", "INVALID_JSON"));
            out.add(errorCode(ws, "ws_unknown_type", "an unknown type", "{\"type\":\"openenv_validate\"}", "UNKNOWN_TYPE"));
            out.add(errorCode(ws, "ws_invalid_action", "an action with an unknown field",
                    "{\"type\":\"step\",\"data\":{\"openenv_validate_unknown_field\":1}}", "VALIDATION_ERROR"));
            JsonNode after = ws.ask("{\"type\":\"state\"}");
            out.add(Criterion.of("ws_session_survives_errors", "the session answers after those errors",
                    after.path("type").asString("").equals("state"), String.valueOf(after)));
            ws.send("{\"type\":\"close\"}");
        } catch (IOException | RuntimeException e) {
            out.add(Criterion.fail("ws_session", "a WebSocket session on /ws", e.toString()));
        }
    }

    private static Criterion errorCode(CheckSession ws, String id, String what, String frame, String code) {
        JsonNode reply = ws.ask(frame);
        return Criterion.of(id, "/ws answers " + what + " with error code " + code,
                reply.path("type").asString("").equals("error") && reply.path("data").path("code").asString("").equals(code), String.valueOf(reply));
    }

    /**
     * Opens sessions until the server refuses one: the refusal must be {@code CAPACITY_REACHED}, and a
     * slot must free up again when a session closes. A server that takes all {@code capacityProbe}
     * sessions passes (its limit is higher than we look).
     */
    private void capacity() {
        var open = new ArrayList<CheckSession>();
        String id = "ws_capacity";
        String what = "sessions beyond MAX_CONCURRENT_ENVS are refused with CAPACITY_REACHED, and closing one frees a slot";
        try {
            for (int i = 0; i < capacityProbe; i++) {
                CheckSession ws = CheckSession.open(http, base, timeout);
                JsonNode reply = ws.ask("{\"type\":\"state\"}");
                if (reply.path("type").asString("").equals("state")) {
                    open.add(ws);
                    continue;
                }
                ws.close();
                if (!reply.path("data").path("code").asString("").equals("CAPACITY_REACHED")) {
                    out.add(Criterion.fail(id, what, "session " + (i + 1) + " answered " + reply));
                    return;
                }
                if (open.isEmpty()) {
                    out.add(Criterion.fail(id, what, "the first session was refused: " + reply));
                    return;
                }
                open.remove(0).close();
                long deadline = System.nanoTime() + timeout.toNanos();
                JsonNode again = F.objectNode();
                while (System.nanoTime() < deadline) {
                    try (CheckSession retry = CheckSession.open(http, base, timeout)) {
                        again = retry.ask("{\"type\":\"state\"}");
                    }
                    if (again.path("type").asString("").equals("state")) {
                        out.add(Criterion.pass(id, what, "limit " + i + " sessions; a closed session's slot was reused"));
                        return;
                    }
                    Thread.sleep(50);
                }
                out.add(Criterion.fail(id, what, "limit " + i + ", but no slot freed within " + timeout.toMillis() + " ms: " + again));
                return;
            }
            out.add(Criterion.pass(id, what, "all " + capacityProbe + " sessions accepted (the limit is higher)"));
        } catch (IOException | RuntimeException e) {
            out.add(Criterion.fail(id, what, e.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.add(Criterion.fail(id, what, "interrupted"));
        } finally {
            open.forEach(CheckSession::close);
        }
    }

    private void mcp() {
        Reply empty = post("/mcp", "{}");
        out.add(Criterion.of("mcp_endpoint", "POST /mcp is reachable and answers JSON-RPC 2.0",
                empty.status == 200 && empty.json.path("jsonrpc").asString("").equals("2.0"), describe(empty)));
        Reply list = post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        JsonNode tools = list.json.path("result").path("tools");
        if (tools.isArray()) {
            // the reference's HTTP /mcp spells it input_schema (a pydantic dump); MCP's own spelling is inputSchema
            boolean described = tools.size() > 0 && tools.get(0).path("name").isString()
                    && (tools.get(0).path("inputSchema").isObject() || tools.get(0).path("input_schema").isObject());
            out.add(Criterion.of("mcp_tools_list", "MCP tools/list lists tools with a name and an input schema", described,
                    tools.size() + " tools" + (described ? "" : ": " + tools)));
        } else {
            out.add(new Criterion("mcp_tools_list", "MCP tools/list (skipped: not an MCP environment)", true, false,
                    list.json.path("error").path("message").asString(describe(list))));
        }
    }

    /** A value that satisfies {@code schema} as far as a generic reader can tell: required members only. */
    static JsonNode sample(JsonNode schema, JsonNode root) {
        if (schema.has("$ref")) {
            String ref = schema.path("$ref").asString("");
            JsonNode target = root.at(ref.startsWith("#") ? ref.substring(1) : ref);
            return target.isMissingNode() ? F.nullNode() : sample(target, root);
        }
        if (schema.has("default")) {
            return schema.get("default");
        }
        if (schema.path("examples").isArray() && !schema.path("examples").isEmpty()) {
            return schema.path("examples").get(0);
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
            return schema.path("enum").get(0);
        }
        for (String combinator : List.of("anyOf", "oneOf", "allOf")) {
            if (schema.path(combinator).isArray() && !schema.path(combinator).isEmpty()) {
                return sample(schema.path(combinator).get(0), root);
            }
        }
        JsonNode type = schema.path("type");
        String t = type.isArray() ? type.get(0).asString("") : type.asString("object");
        return switch (t) {
            case "string" -> F.stringNode("a".repeat(Math.max(1, schema.path("minLength").asInt(1))));
            case "integer" -> F.numberNode(schema.has("minimum") ? schema.path("minimum").asLong() : 0L);
            case "number" -> F.numberNode(schema.has("minimum") ? schema.path("minimum").asDouble() : 0.0);
            case "boolean" -> F.booleanNode(false);
            case "array" -> F.arrayNode();
            case "null" -> F.nullNode();
            default -> {
                ObjectNode o = F.objectNode();
                for (JsonNode required : schema.path("required")) {
                    String name = required.asString("");
                    o.set(name, sample(schema.path("properties").path(name), root));
                }
                // if/then/else (MCP's CallToolAction: tool_name unless type is list_tools): a sample without the
                // if's fields takes the else branch, so its required fields too
                for (JsonNode required : schema.path("else").path("required")) {
                    String name = required.asString("");
                    if (!o.has(name)) {
                        o.set(name, sample(schema.path("properties").path(name), root));
                    }
                }
                yield o;
            }
        };
    }

    private Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).GET().build());
    }

    private Reply post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), parse(r.body()), r.body());
        } catch (IOException e) {
            return new Reply(-1, F.missingNode(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, F.missingNode(), "interrupted");
        }
    }

    static JsonNode parse(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n == null ? F.missingNode() : n;
        } catch (JacksonException e) {
            return F.missingNode();
        }
    }

    private static String describe(Reply r) {
        if (r.status < 0) {
            return r.body;
        }
        String body = r.body.length() > 200 ? r.body.substring(0, 200) + "…" : r.body;
        return "HTTP " + r.status + " " + body;
    }
}
