package dev.openenv.server.mcp;

import dev.openenv.core.json.MalformedJsonException;
import dev.openenv.core.json.WireCodec;
import dev.openenv.server.session.CapacityReachedException;
import dev.openenv.server.session.FactoryException;
import dev.openenv.server.session.Session;
import dev.openenv.server.session.SessionManager;
import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code WS /mcp}: bare JSON-RPC frames in both directions, one session (and environment) per
 * connection. Capacity and factory failures are a {@code -32000} error, then close.
 */
public final class McpWsListener implements WsListener {
    private final SessionManager sessions;
    private final McpRpc rpc;
    private final WireCodec codec;
    private final StringBuilder partial = new StringBuilder();
    private volatile Session session;

    public McpWsListener(SessionManager sessions, McpRpc rpc, WireCodec codec) {
        this.sessions = sessions;
        this.rpc = rpc;
        this.codec = codec;
    }

    @Override
    public void onOpen(WsSession ws) {
        try {
            session = sessions.open(Session.Kind.WEBSOCKET);
        } catch (CapacityReachedException e) {
            refuse(ws, JsonRpc.error(null, JsonRpc.SERVER_ERROR, e.getMessage(), JsonNodeFactory.instance.objectNode()
                    .put("active_sessions", e.active()).put("max_sessions", e.max())));
            return;
        } catch (FactoryException e) {
            refuse(ws, JsonRpc.error(null, JsonRpc.SERVER_ERROR, e.getMessage(),
                    JsonNodeFactory.instance.objectNode().put("factory_name", e.factoryName())));
            return;
        }
        session.onServerClose(reason -> refuse(ws, JsonRpc.error(null, JsonRpc.SERVER_ERROR, reason, null)));
        Thread reader = Thread.currentThread();
        session.keepAlive(() -> {
            if (!reader.isAlive()) {
                session.close("connection lost", false);
            }
        });
    }

    @Override
    public void onMessage(WsSession ws, String text, boolean last) {
        partial.append(text);
        if (!last) {
            return;
        }
        String message = partial.toString();
        partial.setLength(0);
        Session s = session;
        if (s == null) {
            return;
        }
        s.touch();
        s.submit(() -> {
            JsonNode reply;
            try {
                JsonNode request = codec.parse(message);
                if (McpRpc.isNotification(request)) {
                    return null;
                }
                reply = rpc.handle(request, new McpRpc.Caller(s, false));
            } catch (MalformedJsonException e) {
                reply = rpc.parseError(e.reason());
            } catch (RuntimeException e) {
                System.getLogger(McpWsListener.class.getName()).log(System.Logger.Level.WARNING, "MCP request failed", e);
                reply = JsonRpc.error(null, JsonRpc.INTERNAL_ERROR, String.valueOf(e.getMessage()), null);
            }
            ws.send(codec.write(reply), true);
            return null;
        });
    }

    @Override
    public void onMessage(WsSession ws, BufferData buffer, boolean last) {
        Session s = session;
        if (s != null && last) {
            s.submit(() -> {
                ws.send(codec.write(rpc.parseError("binary frames are not supported; send JSON as text")), true);
                return null;
            });
        }
    }

    @Override
    public void onPing(WsSession ws, BufferData buffer) {
        ws.pong(buffer);
    }

    @Override
    public void onClose(WsSession ws, int status, String reason) {
        end();
    }

    @Override
    public void onError(WsSession ws, Throwable t) {
        end();
    }

    private void end() {
        Session s = session;
        if (s != null) {
            s.close("client disconnected", false);
        }
    }

    private void refuse(WsSession ws, JsonNode error) {
        try {
            ws.send(codec.write(error), true);
            ws.close(1000, "");
        } catch (RuntimeException ignored) {
            // the peer is gone already
        }
    }
}
