package dev.openenv.server.mcp;

import dev.openenv.core.json.MalformedJsonException;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.protocol.Failure;
import dev.openenv.server.metrics.ServerMetrics;
import dev.openenv.server.http.HttpErrors;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /mcp}: one JSON-RPC request per POST, always answered with HTTP 200 as the reference
 * does, except a standard client's notification ({@code notifications/...} without id), which gets
 * 202 and no body as MCP's Streamable HTTP transport prescribes. {@code GET /mcp} is 405.
 */
public final class McpHttpEndpoint {
    private final McpRpc rpc;
    private final WireCodec codec;
    private final ServerMetrics metrics;

    public McpHttpEndpoint(McpRpc rpc, WireCodec codec, ServerMetrics metrics) {
        this.metrics = metrics;
        this.rpc = rpc;
        this.codec = codec;
    }

    public void register(HttpRouting.Builder routing) {
        routing.any("/mcp", (req, res) -> {
            if (!req.prologue().method().equals(Method.POST)) {
                HttpErrors.send(res, new Failure.MethodNotAllowed(Method.POST.text()), codec, metrics);
                return;
            }
            handle(req, res);
        });
    }

    private void handle(ServerRequest req, ServerResponse res) {
        boolean standard = req.headers().first(HeaderNames.create("Mcp-Protocol-Version")).isPresent()
                || req.headers().first(HeaderNames.ACCEPT).map(a -> a.contains("text/event-stream")).orElse(false);
        byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        JsonNode request;
        try {
            request = codec.parse(body);
        } catch (MalformedJsonException e) {
            request = null;
        }
        if (request == null || !request.isObject()) {
            // The reference answers both with a bare "Parse error", no reason.
            json(res, 200, codec.writeBytes(JsonRpc.error(null, new Failure.InvalidJson(null, -1), codec)));
            return;
        }
        if (McpRpc.isNotification(request)) {
            res.status(202);
            res.send();
            return;
        }
        boolean initialize = "initialize".equals(request.path("method").asString(""));
        json(res, 200, codec.writeBytes(rpc.handle(request, new McpRpc.Caller(null, standard || initialize))));
    }

    private static void json(ServerResponse res, int status, byte[] body) {
        HttpErrors.jsonUnlessGone(res, status, body);
    }
}
