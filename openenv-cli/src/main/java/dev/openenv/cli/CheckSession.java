package dev.openenv.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** One WebSocket session of {@link ServerChecks}: frames in order, each {@link #ask} waiting for the next reply. */
final class CheckSession implements WebSocket.Listener, AutoCloseable {
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final Duration timeout;
    private WebSocket socket;

    private CheckSession(Duration timeout) {
        this.timeout = timeout;
    }

    static CheckSession open(HttpClient http, String base, Duration timeout) throws IOException {
        var ws = new CheckSession(timeout);
        try {
            ws.socket = http.newWebSocketBuilder().connectTimeout(timeout)
                    .buildAsync(URI.create(base.replaceFirst("^http", "ws") + "/ws"), ws).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (Exception e) {
            throw new IOException("cannot open " + base + "/ws: " + e.getMessage(), e);
        }
        return ws;
    }

    void send(String frame) {
        socket.sendText(frame, true).join();
    }

    /** Sends {@code frame} and returns the next frame, or {@code {"closed": reason}} / {@code {"timeout": ms}}. */
    JsonNode ask(String frame) {
        String failed = null;
        try {
            send(frame);
        } catch (RuntimeException e) {
            failed = String.valueOf(e.getMessage());   // closed by the server: its last frame may say why
        }
        try {
            String reply = frames.poll(failed == null ? timeout.toMillis() : 100, TimeUnit.MILLISECONDS);
            if (reply == null) {
                return failed == null ? JsonNodeFactory.instance.objectNode().put("timeout", timeout.toMillis()) : JsonNodeFactory.instance.objectNode().put("closed", failed);
            }
            return ServerChecks.parse(reply);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JsonNodeFactory.instance.objectNode().put("closed", "interrupted");
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        frames.add("{\"closed\":" + statusCode + "}");
        return null;
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
        }
        socket.abort();
    }
}
