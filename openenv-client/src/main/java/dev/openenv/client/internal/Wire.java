package dev.openenv.client.internal;

import dev.openenv.core.protocol.ClientMessage;
import dev.openenv.core.protocol.ServerMessage;
import java.util.concurrent.CompletableFuture;

/**
 * One session's request/reply channel to a server. Not API: the clients are. Replies come back in
 * request order, each as the {@link ServerMessage} it is (an error the server reported included: the
 * client decides what it means); a lost connection fails the future with a client exception.
 */
public interface Wire extends AutoCloseable {
    /** Most requests in flight on one WebSocket session: more fail at once rather than queue without bound. */
    int MAX_PENDING = 4096;

    /** Sends {@code message} ({@code reset}, {@code step} or {@code state}); completes with the server's reply. */
    CompletableFuture<ServerMessage> send(ClientMessage message);

    /**
     * Called by a thread about to wait for {@code until}: a wire that reads on its callers' threads does so
     * here until it completes (or the session ends). Others do nothing: their own thread completes it.
     */
    default void drive(CompletableFuture<?> until) {
    }

    /** The same for a future handed to the async API, whose caller does not wait. */
    default void driveInBackground(CompletableFuture<?> until) {
    }

    /** Ends the session (best effort) and releases the connection. Idempotent. */
    @Override
    void close();
}
