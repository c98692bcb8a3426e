package dev.openenv.server.ws;

import dev.openenv.core.protocol.Failure;
import dev.openenv.server.session.Session;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * What a WebSocket endpoint speaks over a {@link Connection}: the {@code /ws} frames or bare JSON-RPC.
 * The connection does the rest (session, fragments, liveness, closing).
 */
public interface Dialect {

    /** What to do with one whole text message. */
    sealed interface Reply {
        /**
         * Answer with {@code frame}; {@code written} (null: none) is then given the frame's text as sent, or
         * null when it could not be written.
         */
        record Send(JsonNode frame, Consumer<String> written) implements Reply {
            public Send(JsonNode frame) {
                this(frame, null);
            }
        }

        /** Answer nothing (a notification). */
        record Silence() implements Reply {}

        /** End the session and close the connection normally, answering nothing. */
        record Hangup(String reason) implements Reply {}
    }

    /** Answers one whole text message on {@code session} (running on the connection's reader thread). */
    Reply answer(Session session, String text);

    /** How this dialect tells the peer of a failure outside any answer: refusal at open, the server ending the session. */
    JsonNode failure(Failure failure);

    /** The answer to a binary frame (this protocol is text only). */
    JsonNode binaryRefused();

    /** Whether {@code ?session_id=ID} may attach the connection to an existing HTTP session. */
    boolean attachable();
}
