package dev.openenv.client.internal;

import dev.openenv.client.ClientOptions;
import dev.openenv.client.ConnectException;
import dev.openenv.client.EnvClientException;
import dev.openenv.client.SessionLostException;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.protocol.ClientMessage;
import dev.openenv.core.protocol.ServerMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code /ws} session protocol over the JDK's WebSocket ({@code Transport.WEBSOCKET_JDK}: no dependency beyond
 * the JDK; it costs the client several times the CPU per message of {@link NettyWebSocketWire}). Requests may be pipelined; replies are
 * matched to requests by order, as the protocol has no ids. States:
 * <pre>
 *   OPEN ──close()──▶ CLOSED
 *     └──server closed / network error / reply timeout──▶ LOST (every later call fails)
 * </pre>
 */
public final class JdkWebSocketWire implements Wire {
    private static final int MAX_MESSAGE_CHARS = 100 * 1024 * 1024;
    /** Reply deadlines of every WebSocket client; a deadline is cancelled as soon as its reply arrives. */
    private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

    private final WireCodec codec = WireCodec.standard();
    private final ClientOptions options;
    private final WebSocket socket;
    private final ArrayDeque<CompletableFuture<ServerMessage>> pending = new ArrayDeque<>(); // guarded by this
    private final CompletableFuture<Void> serverClosed = new CompletableFuture<>();
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null); // guarded by this
    private RuntimeException lost; // guarded by this; set once the session is unusable
    private ServerMessage.Error unsolicited; // guarded by this; an error frame nobody asked for: every later reply

    private JdkWebSocketWire(ClientOptions options, HttpClient http, URI uri) {
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
    public static JdkWebSocketWire connect(ClientOptions options, HttpClient http, URI uri) {
        return new JdkWebSocketWire(options, http, uri);
    }

    private static ScheduledThreadPoolExecutor deadlines() {
        var executor = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("openenv-client-deadlines").factory());
        executor.setRemoveOnCancelPolicy(true); // a cancelled deadline must not stay queued for its whole delay
        return executor;
    }

    /** Reply deadlines still queued, across all WebSocket clients of this JVM. */
    public static int pendingDeadlines() {
        return DEADLINES.getQueue().size();
    }

    @Override
    public CompletableFuture<ServerMessage> send(ClientMessage message) {
        String text = codec.write(message.toJson());
        CompletableFuture<ServerMessage> reply = new CompletableFuture<>();
        synchronized (this) {
            if (unsolicited != null) {
                return CompletableFuture.completedFuture(unsolicited);
            }
            if (lost != null) {
                return CompletableFuture.failedFuture(lost);
            }
            if (pending.size() >= MAX_PENDING) {
                return CompletableFuture.failedFuture(new dev.openenv.client.EnvClientException(
                        "More than " + MAX_PENDING + " requests in flight on one session; wait for replies before sending more"));
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
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            if (!reply.isDone()) {
                // A late reply would be read as the answer to the next request: drop the connection.
                fail(new SessionLostException("No reply within " + timeout + " ms; connection dropped",
                        new TimeoutException("reply timeout of " + timeout + " ms")));
                socket.abort();
            }
        }, timeout, TimeUnit.MILLISECONDS);
        reply.whenComplete((value, error) -> deadline.cancel(false));
        return reply;
    }

    private void deliver(String text) {
        ServerMessage message;
        try {
            message = ServerMessage.parse(codec.parse(text));
        } catch (RuntimeException e) {
            fail(new SessionLostException("Server sent a frame that is not JSON: " + e.getMessage(), e));
            return;
        }
        CompletableFuture<ServerMessage> reply;
        synchronized (this) {
            reply = pending.poll();
            if (reply == null) {
                if (message instanceof ServerMessage.Error e && unsolicited == null) {
                    unsolicited = e; // e.g. CAPACITY_REACHED right after connecting, or an idle timeout
                }
                return;
            }
        }
        reply.complete(message);
    }

    /** Ends the session: waiting requests get the server's unsolicited error if it sent one (its reason), else {@code cause}. */
    private void fail(RuntimeException cause) {
        ArrayDeque<CompletableFuture<ServerMessage>> failed;
        ServerMessage.Error reason;
        synchronized (this) {
            if (lost == null) {
                lost = cause;
            }
            failed = new ArrayDeque<>(pending);
            pending.clear();
            reason = unsolicited;
        }
        failed.forEach(f -> {
            if (reason != null) {
                f.complete(reason);
            } else {
                f.completeExceptionally(cause);
            }
        });
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
            // Say goodbye, then wait for the server's close frame: the server ends the session (and
            // frees its slot) before it sends it, so the next client finds room even on a full server.
            sendChain.handle((a, b) -> null)
                    .thenCompose(ignored -> socket.sendText(codec.write(new ClientMessage.Close().toJson()), true))
                    .thenCompose(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, ""))
                    .thenCompose(ws -> serverClosed)
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
            serverClosed.complete(null);
            fail(new SessionLostException("Server closed the session (code " + statusCode
                    + (reason == null || reason.isEmpty() ? "" : ", " + reason) + ")"));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            serverClosed.complete(null);
            fail(new SessionLostException("Connection failed: " + error.getMessage(), error));
        }
    }
}
