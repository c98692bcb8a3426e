package dev.openenv.server.mcp;

import dev.openenv.core.json.MalformedJsonException;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.protocol.Failure;
import dev.openenv.server.session.Session;
import dev.openenv.server.ws.Dialect;
import tools.jackson.databind.JsonNode;

/**
 * The {@code WS /mcp} dialect: bare JSON-RPC frames in both directions on the connection's own session.
 * Refusals (capacity, factory) and the server ending the session are a {@code -32000} error, then close.
 */
public final class McpFrames implements Dialect {
    private final McpRpc rpc;
    private final WireCodec codec;

    public McpFrames(McpRpc rpc, WireCodec codec) {
        this.rpc = rpc;
        this.codec = codec;
    }

    @Override
    public Reply answer(Session session, String text) {
        JsonNode request;
        try {
            request = codec.parse(text);
        } catch (MalformedJsonException e) {
            return new Reply.Send(rpc.error(null, Failure.of(e)));
        }
        if (McpRpc.isNotification(request)) {
            return new Reply.Silence();
        }
        return new Reply.Send(rpc.handle(request, new McpRpc.Caller(session, false)));
    }

    @Override
    public JsonNode failure(Failure failure) {
        return JsonRpc.error(null, failure, codec);
    }

    @Override
    public JsonNode binaryRefused() {
        return failure(new Failure.InvalidJson("binary frames are not supported; send JSON as text", -1));
    }

    @Override
    public boolean attachable() {
        return false;
    }
}
