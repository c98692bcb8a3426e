package dev.openenv.client.internal;

import dev.openenv.client.ClientOptions;
import dev.openenv.client.ConnectException;
import dev.openenv.client.EnvClientException;
import dev.openenv.client.SessionLostException;
import dev.openenv.core.json.WireCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code /ws} session protocol over the JDK's WebSocket. Requests may be pipelined; replies are
 * matched to requests by order, as the protocol has no ids. States:
 * <pre>
 *   OPEN ──close()──▶ CLOSED
 *     └──server closed / network error / reply timeout──▶ LOST (every later call fails)
 * </pre>
 */
public final class WebSocketWire implements Wire {
    private static final int MAX_MESSAGE_CHARS = 100 * 1024 * 1024;

    private final WireCodec codec = WireCodec.standard();
    private final ClientOptions options;
    private final WebSocket socket;
    private final ArrayDeque<CompletableFuture<JsonNode>> pending = new ArrayDeque<>(); // guarded by this
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null); // guarded by this
    private RuntimeException lost; // guarded by this; set once the session is unusable
    private RuntimeException unsolicited; // guarded by this; an error frame nobody asked for

    private WebSocketWire(ClientOptions options, HttpClient http, URI uri) {
        this.options = options;
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(options.connectTimeout());
        options.headers().forEach(builder::header);
        try {
            this.socket = builder.buildAsync(uri, new Listener())
                    .get(options.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while connecting to " + uri, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new ConnectException("Failed to connect to " + uri + ": " + cause, cause);
        }
    }

    /** Opens the WebSocket at {@code uri} (already ending in {@code /ws}). */
    public static WebSocketWire connect(ClientOptions options, HttpClient http, URI uri) {
        return new WebSocketWire(options, http, uri);
    }

    @Override
    public CompletableFuture<JsonNode> reset(ObjectNode data) {
        ObjectNode msg = JsonNodeFactory.instance.objectNode();
        msg.put("type", "reset");
        msg.set("data", data);
        return request(msg);
    }

    @Override
    public CompletableFuture<JsonNode> step(ObjectNode action) {
        ObjectNode msg = JsonNodeFactory.instance.objectNode();
        msg.put("type", "step");
        msg.set("data", action);
        return request(msg);
    }

    @Override
    public CompletableFuture<JsonNode> state() {
        return request(JsonNodeFactory.instance.objectNode().put("type", "state"));
    }

    private CompletableFuture<JsonNode> request(ObjectNode message) {
        String text = codec.write(message);
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        synchronized (this) {
            RuntimeException failure = unsolicited != null ? unsolicited : lost;
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            pending.add(reply);
            // The JDK WebSocket allows one outstanding send at a time: chain them.
            sendChain = sendChain.thenCompose(ignored -> socket.sendText(text, true)).whenComplete((ws, error) -> {
                if (error != null) {
                    fail(new SessionLostException("Failed to send to the server: " + error.getMessage(), error));
                }
            });
        }
        long timeout = options.replyTimeout().toMillis();
        CompletableFuture.delayedExecutor(timeout, TimeUnit.MILLISECONDS).execute(() -> {
            if (!reply.isDone()) {
                // A late reply would be read as the answer to the next request: drop the connection.
                fail(new SessionLostException("No reply within " + timeout + " ms; connection dropped"));
                socket.abort();
            }
        });
        return reply;
    }

    private void deliver(String text) {
        JsonNode frame;
        try {
            frame = codec.parse(text);
        } catch (RuntimeException e) {
            fail(new SessionLostException("Server sent a frame that is not JSON: " + e.getMessage(), e));
            return;
        }
        CompletableFuture<JsonNode> reply;
        RuntimeException error = "error".equals(frame.path("type").asString(""))
                ? ServerErrors.fromFrame(frame.path("data")) : null;
        synchronized (this) {
            reply = pending.poll();
            if (reply == null) {
                if (error != null && unsolicited == null) {
                    unsolicited = error; // e.g. CAPACITY_REACHED right after connecting, or an idle timeout
                }
                return;
            }
        }
        if (error != null) {
            reply.completeExceptionally(error);
        } else {
            reply.complete(frame.path("data"));
        }
    }

    private void fail(RuntimeException cause) {
        ArrayDeque<CompletableFuture<JsonNode>> failed;
        synchronized (this) {
            if (lost == null) {
                lost = cause;
            }
            failed = new ArrayDeque<>(pending);
            pending.clear();
        }
        RuntimeException reason = unsolicitedOr(cause);
        failed.forEach(f -> f.completeExceptionally(reason));
    }

    private synchronized RuntimeException unsolicitedOr(RuntimeException cause) {
        return unsolicited != null ? unsolicited : cause;
    }

    /** True once the session can no longer be used. */
    public synchronized boolean isLost() {
        return lost != null || unsolicited != null;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (lost != null) {
                socket.abort();
                return;
            }
            lost = new EnvClientException("Client is closed");
        }
        try {
            sendChain.handle((a, b) -> null)
                    .thenCompose(ignored -> socket.sendText("{\"type\":\"close\"}", true))
                    .thenCompose(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, ""))
                    .get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException ignored) {
            // The server is gone already; nothing more to tell it.
        } finally {
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (text.length() + data.length() > MAX_MESSAGE_CHARS) {
                fail(new SessionLostException("Server message larger than " + MAX_MESSAGE_CHARS + " characters"));
                webSocket.abort();
                return null;
            }
            if (last && text.isEmpty()) {
                deliver(data.toString());
            } else {
                text.append(data);
                if (last) {
                    deliver(text.toString());
                    text.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            fail(new SessionLostException("Server closed the session (code " + statusCode
                    + (reason == null || reason.isEmpty() ? "" : ", " + reason) + ")"));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            fail(new SessionLostException("Connection failed: " + error.getMessage(), error));
        }
    }
}
