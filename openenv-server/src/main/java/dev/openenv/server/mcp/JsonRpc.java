package dev.openenv.server.mcp;

import dev.openenv.core.json.WireCodec;
import dev.openenv.core.protocol.Failure;
import dev.openenv.core.protocol.ServerMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 responses as the reference writes them: {@code jsonrpc}, {@code id}, then {@code result} or {@code error}. */
final class JsonRpc {
    private JsonRpc() {}

    static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode out = head(id);
        out.set("result", result);
        return out;
    }

    /**
     * The error response for {@code failure}: its {@link Failure#jsonRpcCode()}, its message (a parse error
     * says {@code Parse error[: reason]} as the reference does) and, as {@code data}, the members the
     * {@code /ws} error frame adds (capacity, factory name), or {@code null}.
     */
    static ObjectNode error(JsonNode id, Failure failure, WireCodec codec) {
        ObjectNode out = head(id);
        ObjectNode error = out.putObject("error");
        error.put("code", failure.jsonRpcCode());
        error.put("message", failure instanceof Failure.InvalidJson json
                ? json.reason() == null ? "Parse error" : "Parse error: " + json.reason()
                : failure.message());
        ObjectNode details = ServerMessage.Error.of(failure, codec).details();
        error.set("data", details.isEmpty() ? JsonNodeFactory.instance.nullNode() : details);
        return out;
    }

    private static ObjectNode head(JsonNode id) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("jsonrpc", "2.0");
        out.set("id", id == null ? JsonNodeFactory.instance.nullNode() : id);
        return out;
    }
}
