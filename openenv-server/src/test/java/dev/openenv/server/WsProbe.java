package dev.openenv.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A raw WebSocket peer for tests: sends exactly the frames given and records every frame received. */
final class WsProbe implements AutoCloseable {
    record Frame(String kind, String text, int code) {}

    private final WebSocket socket;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final AtomicInteger pings = new AtomicInteger();

    private WsProbe(String url) throws Exception {
        socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    frames.add(new Frame("text", text.toString(), 0));
                    text.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
                pings.incrementAndGet(); // the JDK answers with a pong by itself
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                frames.add(new Frame("close", reason, code));
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                frames.add(new Frame("error", String.valueOf(error), 0));
            }
        }).get(10, TimeUnit.SECONDS);
    }

    static WsProbe open(String httpBase, String path) throws Exception {
        return new WsProbe(httpBase.replace("http://", "ws://") + path);
    }

    void sendText(String text) throws Exception {
        socket.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    void sendBinary(byte[] data) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
    }

    /** The next frame, waiting up to 15 s (as the recorder did). */
    Frame next() throws InterruptedException {
        Frame f = frames.poll(15, TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError("no frame from the server within 15 s");
        }
        return f;
    }

    /** How many pings the server has sent (each answered). */
    int pings() {
        return pings.get();
    }

    /** A frame if one arrives within {@code millis}, else null. */
    Frame poll(long millis) throws InterruptedException {
        return frames.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
