package dev.openenv.client.internal;

import dev.openenv.client.ClientOptions;
import dev.openenv.client.EnvClientException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What the typed and generic clients share: URL handling, the current wire, blocking waits. Not API. */
public final class ClientCore implements AutoCloseable {
    private static final class SharedHttp {
        // Frames are handled right on the client's selector thread: the JDK's default executor costs
        // several thread hops per frame (measured: p50 328 us -> 108 us per step). Nothing on that
        // path blocks; callbacks of the async API are moved off it (see async()).
        static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Runnable::run).build();
        static final java.util.concurrent.Executor CALLBACKS =
                java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("openenv-client-callback").factory());
    }

    private final URI httpBase;
    private final ClientOptions options;
    private Wire wire; // guarded by this
    private boolean closed; // guarded by this

    public ClientCore(String baseUrl, ClientOptions options) {
        this.httpBase = httpBase(baseUrl);
        this.options = options;
        this.wire = open();
    }

    /** {@code http(s)://host[:port][/prefix]} from any of the forms the reference accepts. */
    public static URI httpBase(String baseUrl) {
        String url = baseUrl.strip().replaceAll("/+$", "");
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("ws://")) {
            url = "http://" + url.substring(5);
        } else if (lower.startsWith("wss://")) {
            url = "https://" + url.substring(6);
        } else if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            url = "http://" + url;
        }
        return URI.create(url);
    }

    /** The session WebSocket URL: {@code ws(s)://host[:port][/prefix]/ws}. */
    public static URI webSocketUri(URI httpBase) {
        String s = httpBase.toString();
        return URI.create((s.startsWith("https://") ? "wss://" + s.substring(8) : "ws://" + s.substring(7)) + "/ws");
    }

    public URI baseUri() {
        return httpBase;
    }

    private Wire open() {
        return options.transport() == ClientOptions.Transport.HTTP
                ? new HttpWire(options, SharedHttp.CLIENT, httpBase)
                : WebSocketWire.connect(options, SharedHttp.CLIENT, webSocketUri(httpBase));
    }

    public synchronized Wire wire() {
        if (closed) {
            throw new EnvClientException("Client is closed");
        }
        return wire;
    }

    /** Drops the current session and opens a new one. */
    public synchronized void reconnect() {
        if (closed) {
            throw new EnvClientException("Client is closed");
        }
        wire.close();
        wire = open();
    }

    /**
     * The future handed to callers of the async API: completed on a virtual thread, so their callbacks
     * never run on (and never block) the connection's selector thread.
     */
    public static <T> CompletableFuture<T> async(CompletableFuture<T> internal) {
        return internal.whenCompleteAsync((value, error) -> { }, SharedHttp.CALLBACKS);
    }

    /** Waits for a reply, rethrowing the client exception it failed with. */
    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvClientException("Interrupted while waiting for the server", e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    private static RuntimeException unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof RuntimeException r ? r : new EnvClientException(String.valueOf(t.getMessage()), t);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            wire.close();
        }
    }
}
