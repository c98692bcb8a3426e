package dev.openenv.server.ws;

import dev.openenv.core.Action;
import dev.openenv.core.protocol.ClientMessage;
import dev.openenv.core.json.ActionValidationException;
import dev.openenv.core.json.MalformedJsonException;
import dev.openenv.core.json.ValidationError;
import dev.openenv.core.json.WireCodec;
import dev.openenv.server.mcp.McpRpc;
import dev.openenv.server.session.CapacityReachedException;
import dev.openenv.server.session.EnvironmentRunner;
import dev.openenv.server.session.FactoryException;
import dev.openenv.server.session.Session;
import dev.openenv.server.session.SessionManager;
import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One {@code /ws} connection: opens a session when the socket opens, answers each text frame with
 * exactly one frame in order (except {@code close}), and ends the session however the connection ends.
 * The connection's reader thread is the session's thread ({@link SessionManager#openInline}): each
 * frame is handled where it was read, with no handoff. While a step runs the reader reads nothing, so
 * a busy session is never dropped for missing pongs; pongs queued meanwhile are read afterwards.
 */
public final class WsSessionListener implements WsListener {
    private static final Set<String> RESET_KEYS = Set.of("type", "data");
    private static final Set<String> STATE_KEYS = Set.of("type", "data");

    private final SessionManager sessions;
    private final EnvironmentRunner runner;
    private final WireCodec codec;
    private final Duration stepTimeout;
    private final Duration pingInterval;
    private final McpRpc mcp;
    private final StringBuilder partial = new StringBuilder();
    private volatile Session session;
    private volatile boolean attached;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile long lastPingNanos = System.nanoTime();

    public WsSessionListener(SessionManager sessions, EnvironmentRunner runner, WireCodec codec,
                             Duration stepTimeout, Duration pingInterval, McpRpc mcp) {
        this.sessions = sessions;
        this.runner = runner;
        this.codec = codec;
        this.stepTimeout = stepTimeout;
        this.pingInterval = pingInterval;
        this.mcp = mcp;
    }

    @Override
    public void onOpen(WsSession ws) {
        var attachTo = ws.prologue().query().first("session_id");
        if (attachTo.isPresent()) {
            attach(ws, attachTo.get());
            return;
        }
        try {
            session = sessions.openInline(Session.Kind.WEBSOCKET);
        } catch (CapacityReachedException e) {
            sendAndClose(ws, WsErrors.capacity(e.active(), e.max(), e.getMessage()));
            return;
        } catch (FactoryException e) {
            sendAndClose(ws, WsErrors.factory(e.factoryName(), e.getMessage()));
            return;
        } catch (RuntimeException e) {
            sendAndClose(ws, WsErrors.error(WsErrors.SESSION_ERROR, String.valueOf(e.getMessage())));
            return;
        }
        session.onServerClose(reason -> sendAndClose(ws, WsErrors.error(WsErrors.SESSION_ERROR, reason)));
        // Helidon reads each connection on one thread and does not tell the listener when the peer
        // vanishes without a close frame; the reader thread ending is how we notice.
        Thread reader = Thread.currentThread();
        session.keepAlive(() -> keepAlive(ws, reader));
    }

    /** {@code /ws?session_id=ID}: speaks for a session made with {@code openenv/session/create}, without a new slot. */
    private void attach(WsSession ws, String id) {
        Session target = sessions.find(id).filter(x -> x.kind() == Session.Kind.HTTP).orElse(null);
        if (target == null) {
            sendAndClose(ws, WsErrors.error(WsErrors.SESSION_ERROR, "Unknown session_id: " + id));
            return;
        }
        if (!target.attach()) {
            sendAndClose(ws, WsErrors.error(WsErrors.SESSION_ERROR, "Session " + id + " already has an attached WebSocket"));
            return;
        }
        attached = true;
        session = target;
        target.onServerClose(reason -> sendAndClose(ws, WsErrors.error(WsErrors.SESSION_ERROR, reason)));
        Thread reader = Thread.currentThread();
        target.keepAlive(() -> keepAlive(ws, reader));
    }

    private void keepAlive(WsSession ws, Thread reader) {
        if (!reader.isAlive()) {
            end("connection lost");
            return;
        }
        if (pingInterval.isZero()) {
            return;
        }
        long now = System.nanoTime();
        long silent = now - lastHeardNanos;
        Session current = session;
        if (silent > 2 * pingInterval.toNanos() && !(current != null && current.busy())) {
            // Half-open connection: the peer stopped answering pings.
            Session s = session;
            if (s != null) {
                s.close("peer stopped answering pings", false);
            }
            ws.terminate();
        } else if (silent >= pingInterval.toNanos() && now - lastPingNanos >= pingInterval.toNanos()) {
            lastPingNanos = now;
            ws.ping(BufferData.empty());
        }
    }

    @Override
    public void onPong(WsSession ws, BufferData buffer) {
        lastHeardNanos = System.nanoTime();
    }

    @Override
    public void onPing(WsSession ws, BufferData buffer) {
        lastHeardNanos = System.nanoTime();
        ws.pong(buffer);
    }

    @Override
    public void onMessage(WsSession ws, String text, boolean last) {
        lastHeardNanos = System.nanoTime();
        String message;
        if (!last || !partial.isEmpty()) {
            partial.append(text);
            if (!last) {
                return;
            }
            message = partial.toString();
            partial.setLength(0);
        } else {
            message = text;
        }
        Session s = session;
        if (s == null) {
            return; // refused at open; the close is on its way
        }
        s.touch();
        s.submit(() -> {
            handle(ws, s, message);
            return null;
        });
    }

    @Override
    public void onMessage(WsSession ws, BufferData buffer, boolean last) {
        lastHeardNanos = System.nanoTime();
        Session s = session;
        if (s == null || !last) {
            return;
        }
        // The reference ends the session here; we answer and keep it (docs/compatibility.md).
        s.submit(() -> {
            send(ws, WsErrors.error(WsErrors.INVALID_JSON, "Invalid JSON: binary frames are not supported; send JSON as a text frame"));
            return null;
        });
    }

    @Override
    public void onClose(WsSession ws, int status, String reason) {
        end("client closed the connection");
    }

    @Override
    public void onError(WsSession ws, Throwable t) {
        end("connection error: " + t.getMessage());
    }

    private void end(String reason) {
        Session s = session;
        if (s == null) {
            return;
        }
        if (attached) {
            // The session belongs to its creator: it ends with openenv/session/close or the idle timeout.
            s.onServerClose(r -> { });
            s.keepAlive(() -> { });
            s.detach();
        } else {
            s.close(reason, false);
        }
    }

    private void handle(WsSession ws, Session s, String text) {
        JsonNode msg;
        try {
            msg = codec.parse(text);
        } catch (MalformedJsonException e) {
            send(ws, WsErrors.error(WsErrors.INVALID_JSON, "Invalid JSON: " + e.reason() + " (char " + e.offset() + ")"));
            return;
        }
        if (!msg.isObject()) {
            send(ws, WsErrors.validation(List.of(new ValidationError("model_attributes_type", List.of(),
                    "Input should be a valid dictionary or object to extract fields from", msg, null)), codec));
            return;
        }
        JsonNode typeNode = msg.get("type");
        String type = typeNode == null ? "" : typeNode.isString() ? typeNode.stringValue() : typeNode.toString();
        try {
            switch (type) {
                case "reset" -> {
                    JsonNode data = envelope(msg, RESET_KEYS, false);
                    var args = ClientMessage.decodeRequest(data, codec);
                    send(ws, observation(runner.reset(s, args)));
                }
                case "step" -> {
                    JsonNode data = envelope(msg, RESET_KEYS, true);
                    Action action = runner.decodeAction(data);
                    send(ws, observation(runner.step(s, action, stepTimeout)));
                }
                case "state" -> {
                    envelope(msg, STATE_KEYS, false);
                    ObjectNode frame = JsonNodeFactory.instance.objectNode();
                    frame.put("type", "state");
                    frame.set("data", runner.state(s));
                    send(ws, frame);
                }
                case "close" -> {
                    if (attached) {
                        end("client sent close");
                    } else {
                        s.close("client sent close", false);
                    }
                    ws.close(1000, "");
                }
                case "mcp" -> {
                    JsonNode data = envelope(msg, RESET_KEYS, true);
                    ObjectNode frame = JsonNodeFactory.instance.objectNode();
                    frame.put("type", "mcp");
                    frame.set("data", mcp.handle(data, new McpRpc.Caller(s, false)));
                    send(ws, frame);
                }
                default -> send(ws, WsErrors.error(WsErrors.UNKNOWN_TYPE, "Unknown message type: " + type));
            }
        } catch (ActionValidationException e) {
            send(ws, WsErrors.validation(e.errors(), codec));
        } catch (dev.openenv.core.protocol.ProtocolException e) {
            send(ws, dev.openenv.core.protocol.ServerMessage.Error.of(e.failure(), codec).toJson());
        } catch (Exception e) {
            send(ws, WsErrors.error(WsErrors.EXECUTION_ERROR, describe(e)));
        }
    }

    /** Checks the message envelope's members and returns its {@code data} (an object, or null when absent). */
    private JsonNode envelope(JsonNode msg, Set<String> allowed, boolean dataRequired) {
        var errors = new java.util.ArrayList<ValidationError>();
        JsonNode data = msg.get("data");
        if (data == null && dataRequired) {
            errors.add(new ValidationError("missing", List.of("data"), "Field required", msg, null));
        } else if (data != null && !data.isObject() && !(data.isNull() && !dataRequired)) {
            errors.add(new ValidationError("dict_type", List.of("data"), "Input should be a valid dictionary", data, null));
        }
        for (var e : msg.properties()) {
            if (!allowed.contains(e.getKey())) {
                errors.add(new ValidationError("extra_forbidden", List.of(e.getKey()), "Extra inputs are not permitted", e.getValue(), null));
            }
        }
        if (!errors.isEmpty()) {
            throw new ActionValidationException(errors);
        }
        return data == null || data.isNull() ? JsonNodeFactory.instance.objectNode() : data;
    }

    private static ObjectNode observation(ObjectNode envelope) {
        ObjectNode frame = JsonNodeFactory.instance.objectNode();
        frame.put("type", "observation");
        frame.set("data", envelope);
        return frame;
    }

    static String describe(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    private void send(WsSession ws, JsonNode frame) {
        ws.send(codec.write(frame), true);
    }

    private void sendAndClose(WsSession ws, JsonNode frame) {
        try {
            send(ws, frame);
            ws.close(1000, "");
        } catch (RuntimeException ignored) {
            // The peer is already gone.
        }
    }
}
