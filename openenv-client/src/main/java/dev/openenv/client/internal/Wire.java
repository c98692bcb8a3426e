package dev.openenv.client.internal;

import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One session's request/reply channel to a server. Not API: the clients are.
 * Replies come back in request order; a failed future carries a client exception.
 */
public interface Wire extends AutoCloseable {
    /** Sends reset arguments; completes with the observation envelope. */
    CompletableFuture<JsonNode> reset(ObjectNode data);

    /** Sends an action; completes with the observation envelope. */
    CompletableFuture<JsonNode> step(ObjectNode action);

    /** Completes with the state object. */
    CompletableFuture<JsonNode> state();

    /** Ends the session (best effort) and releases the connection. Idempotent. */
    @Override
    void close();
}
