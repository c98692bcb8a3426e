package dev.openenv.server.mcp;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 responses as the reference writes them: {@code jsonrpc}, {@code id}, then {@code result} or {@code error}. */
final class JsonRpc {
    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;
    static final int INTERNAL_ERROR = -32603;
    static final int SERVER_ERROR = -32000;

    private JsonRpc() {}

    static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode out = head(id);
        out.set("result", result);
        return out;
    }

    static ObjectNode error(JsonNode id, int code, String message, JsonNode data) {
        ObjectNode out = head(id);
        ObjectNode error = out.putObject("error");
        error.put("code", code);
        error.put("message", message);
        error.set("data", data == null ? JsonNodeFactory.instance.nullNode() : data);
        return out;
    }

    private static ObjectNode head(JsonNode id) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("jsonrpc", "2.0");
        out.set("id", id == null ? JsonNodeFactory.instance.nullNode() : id);
        return out;
    }

    /** Thrown inside dispatch to answer with a JSON-RPC error. */
    static final class Failure extends RuntimeException {
        final int code;
        final transient JsonNode data;

        Failure(int code, String message) {
            this(code, message, null);
        }

        Failure(int code, String message, JsonNode data) {
            super(message);
            this.code = code;
            this.data = data;
        }
    }
}
