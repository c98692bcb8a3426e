package dev.openenv.core.mcp;

import dev.openenv.core.json.WireCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Shapes a tool's return value as the reference's MCP call result:
 * {@code {"content":[{"type":"text","text":…,"annotations":null,"meta":null}],"structured_content":…,
 * "meta":…,"data":…,"is_error":false}}. Objects are their own structured content ({@code meta} null);
 * anything else is wrapped as {@code {"result": value}} and marked {@code "meta":{"fastmcp":{"wrap_result":true}}},
 * as 0.10's FastMCP 3 does. {@code data} is the plain value, which the Python
 * {@code MCPToolClient.call_tool} returns.
 */
final class ToolResults {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ToolResults() {}

    static ObjectNode of(Object value, WireCodec codec) {
        JsonNode data = value instanceof JsonNode n ? n : codec.toTree(value);
        ObjectNode result = F.objectNode();
        var content = result.putArray("content");
        if (!data.isNull()) {
            ObjectNode text = content.addObject();
            text.put("type", "text");
            text.put("text", data.isString() ? data.stringValue() : codec.write(data));
            text.putNull("annotations");
            text.putNull("meta");
        }
        if (data.isObject()) {
            result.set("structured_content", data);
            result.putNull("meta");
        } else {
            // FastMCP 3 (the reference's stack) marks a wrapped value so its clients unwrap it again.
            result.putObject("structured_content").set("result", data);
            result.putObject("meta").putObject("fastmcp").put("wrap_result", true);
        }
        result.set("data", data);
        result.put("is_error", false);
        return result;
    }
}
