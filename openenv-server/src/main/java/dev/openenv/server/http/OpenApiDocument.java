package dev.openenv.server.http;

import dev.openenv.server.ServerMode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code GET /openapi.json} document (OpenAPI 3.1.0). The reference's tooling reads
 * {@code info.version} and infers the server mode from whether {@code /reset}, {@code /step} and
 * {@code /state} are among the {@code paths}; the action and observation schemas are the environment's.
 */
final class OpenApiDocument {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private OpenApiDocument() {}

    static ObjectNode build(ObjectNode schemas, ServerMode mode) {
        ObjectNode doc = F.objectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "OpenEnv Environment HTTP API");
        info.put("version", "1.0.0");
        info.put("description", "HTTP API of an OpenEnv environment served by OpenEnv for Java. The stateful "
                + "session protocol is the WebSocket at /ws; HTTP /reset, /step and /state share a default session "
                + "unless the X-OpenEnv-Session header names another.");
        ObjectNode paths = doc.putObject("paths");
        ObjectNode components = doc.putObject("components").putObject("schemas");
        components.set("Action", schemas.get("action"));
        components.set("Observation", schemas.get("observation"));
        components.set("State", schemas.get("state"));
        components.set("ResetRequest", resetRequest());
        components.set("StepRequest", stepRequest());
        components.set("StepResponse", stepResponse());
        components.set("HTTPValidationError", validationError());
        if (mode == ServerMode.SIMULATION) {
            paths.putObject("/reset").set("post", operation("Reset the environment", "Environment Control",
                    "ResetRequest", false, "StepResponse"));
            paths.putObject("/step").set("post", operation("Execute an action in the environment", "Environment Control",
                    "StepRequest", true, "StepResponse"));
            paths.putObject("/state").set("get", operation("Get current environment state", "State Management",
                    null, false, "State"));
        }
        paths.putObject("/metadata").set("get", operation("Get environment metadata", "Environment Info", null, false, null));
        paths.putObject("/schema").set("get", operation("Get all JSON schemas", "Schema", null, false, null));
        paths.putObject("/health").set("get", operation("Health check", "Health", null, false, null));
        paths.putObject("/mcp").set("post", operation("MCP JSON-RPC endpoint", "MCP", null, false, null));
        // 0.10's Task API, in both modes.
        components.set("ListTasksRequest", taskRequest("ListTasksRequest", false, false));
        components.set("NumTasksRequest", taskRequest("NumTasksRequest", false, false));
        components.set("GetTaskRequest", taskRequest("GetTaskRequest", true, false));
        components.set("GetTaskRangeRequest", taskRequest("GetTaskRangeRequest", false, true));
        paths.putObject("/list_environments").set("get", operation("List Environments", "Task API", null, false, null));
        paths.putObject("/{env_name}/splits").set("get", withEnvName(operation("List Splits", "Task API", null, false, null)));
        paths.putObject("/{env_name}/tasks").set("post", withEnvName(operation("List Tasks", "Task API", "ListTasksRequest", true, null)));
        paths.putObject("/{env_name}/num_tasks").set("post", withEnvName(operation("Num Tasks", "Task API", "NumTasksRequest", true, null)));
        paths.putObject("/{env_name}/task").set("post", withEnvName(operation("Get Task", "Task API", "GetTaskRequest", true, null)));
        paths.putObject("/{env_name}/task_range").set("post", withEnvName(operation("Get Task Range", "Task API", "GetTaskRangeRequest", true, null)));
        return doc;
    }

    private static ObjectNode withEnvName(ObjectNode op) {
        ObjectNode p = op.putArray("parameters").addObject();
        p.put("name", "env_name").put("in", "path").put("required", true);
        p.putObject("schema").put("type", "string").put("title", "Env Name");
        return op;
    }

    private static ObjectNode taskRequest(String title, boolean indexed, boolean ranged) {
        ObjectNode s = F.objectNode().put("type", "object").put("title", title).put("additionalProperties", false);
        ObjectNode p = s.putObject("properties");
        p.set("split", F.objectNode().put("type", "string").put("title", "Split").put("description", "Task split name"));
        var required = s.putArray("required").add("split");
        if (indexed) {
            p.set("index", F.objectNode().put("type", "integer").put("title", "Index").put("description", "Task index within the split"));
            required.add("index");
        }
        if (ranged) {
            p.set("start", nullable("integer").put("title", "Start").put("description", "Inclusive start index"));
            p.set("stop", nullable("integer").put("title", "Stop").put("description", "Exclusive stop index"));
        }
        return s;
    }

    private static ObjectNode operation(String summary, String tag, String request, boolean required, String response) {
        ObjectNode op = F.objectNode();
        op.putArray("tags").add(tag);
        op.put("summary", summary);
        if (request != null) {
            ObjectNode body = op.putObject("requestBody");
            body.putObject("content").putObject("application/json").set("schema", ref(request));
            body.put("required", required);
        }
        ObjectNode responses = op.putObject("responses");
        ObjectNode ok = responses.putObject("200");
        ok.put("description", "Successful Response");
        ok.putObject("content").putObject("application/json").set("schema", response == null ? F.objectNode() : ref(response));
        if (request != null) {
            ObjectNode invalid = responses.putObject("422");
            invalid.put("description", "Validation Error");
            invalid.putObject("content").putObject("application/json").set("schema", ref("HTTPValidationError"));
        }
        return op;
    }

    private static ObjectNode ref(String name) {
        return F.objectNode().put("$ref", "#/components/schemas/" + name);
    }

    private static ObjectNode nullable(String type) {
        ObjectNode s = F.objectNode();
        s.putArray("anyOf").add(F.objectNode().put("type", type)).add(F.objectNode().put("type", "null"));
        return s;
    }

    private static ObjectNode resetRequest() {
        ObjectNode s = F.objectNode().put("type", "object").put("title", "ResetRequest").put("additionalProperties", true);
        ObjectNode p = s.putObject("properties");
        p.set("seed", nullable("integer").put("minimum", 0).put("title", "Seed"));
        p.set("episode_id", nullable("string").put("maxLength", 255).put("title", "Episode Id"));
        return s;
    }

    private static ObjectNode stepRequest() {
        ObjectNode s = F.objectNode().put("type", "object").put("title", "StepRequest").put("additionalProperties", true);
        ObjectNode p = s.putObject("properties");
        p.set("action", ref("Action"));
        p.set("timeout_s", nullable("number").put("exclusiveMinimum", 0).put("title", "Timeout S"));
        p.set("request_id", nullable("string").put("maxLength", 255).put("title", "Request Id"));
        s.putArray("required").add("action");
        return s;
    }

    private static ObjectNode stepResponse() {
        ObjectNode s = F.objectNode().put("type", "object").put("title", "StepResponse");
        ObjectNode p = s.putObject("properties");
        p.set("observation", F.objectNode().put("type", "object").put("additionalProperties", true).put("title", "Observation"));
        p.set("reward", nullable("number").put("title", "Reward"));
        p.set("done", F.objectNode().put("type", "boolean").put("default", false).put("title", "Done"));
        s.putArray("required").add("observation");
        return s;
    }

    private static JsonNode validationError() {
        ObjectNode item = F.objectNode().put("type", "object").put("title", "ValidationError");
        ObjectNode ip = item.putObject("properties");
        ip.putObject("loc").put("type", "array").putObject("items").putArray("anyOf")
                .add(F.objectNode().put("type", "string")).add(F.objectNode().put("type", "integer"));
        ip.putObject("msg").put("type", "string");
        ip.putObject("type").put("type", "string");
        item.putArray("required").add("loc").add("msg").add("type");
        ObjectNode s = F.objectNode().put("type", "object").put("title", "HTTPValidationError");
        s.putObject("properties").putObject("detail").put("type", "array").set("items", item);
        return s;
    }
}
