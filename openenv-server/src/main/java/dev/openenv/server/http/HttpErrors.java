package dev.openenv.server.http;

import dev.openenv.core.json.WireCodec;
import dev.openenv.core.protocol.Failure;
import dev.openenv.server.metrics.ServerMetrics;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one place a {@link Failure} becomes an HTTP response, as FastAPI writes them: its
 * {@link Failure#httpStatus()} and {@code {"detail": …}}, where detail is the validation error list for
 * the two validation failures and the message otherwise.
 */
public final class HttpErrors {
    private static final System.Logger LOG = System.getLogger(HttpErrors.class.getName());

    private HttpErrors() {}

    /** Answers {@code failure}, counted in {@code metrics}. */
    public static void send(ServerResponse res, Failure failure, WireCodec codec, ServerMetrics metrics) {
        metrics.failed(failure);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        switch (failure) {
            // Action errors are the reference's raw pydantic list: loc relative to the action, with url.
            case Failure.Invalid f -> body.set("detail", codec.errors(f.errors(), true));
            // Body errors are FastAPI's request validation: loc under "body", no url.
            case Failure.InvalidBody f -> body.set("detail", codec.errors(f.errors(), false));
            case Failure.MethodNotAllowed f -> {
                res.header(HeaderNames.ALLOW, f.allowed());
                body.put("detail", f.message());
            }
            case Failure.InvalidJson f -> body.put("detail", f.message());
            case Failure.UnknownType f -> body.put("detail", f.message());
            case Failure.BadRequest f -> body.put("detail", f.message());
            case Failure.InvalidParams f -> body.put("detail", f.message());
            case Failure.NotFound f -> body.put("detail", f.message());
            case Failure.Execution f -> body.put("detail", f.message());
            case Failure.Timeout f -> body.put("detail", f.message());
            case Failure.CapacityReached f -> body.put("detail", f.message());
            case Failure.FactoryFailed f -> body.put("detail", f.message());
            case Failure.SessionFailed f -> body.put("detail", f.message());
            case Failure.NotSupported f -> body.put("detail", f.message());
        }
        json(res, failure.httpStatus(), codec.writeBytes(body));
    }

    /**
     * {@link #send}, unless the answer already went out or cannot: a client that vanished mid-request is one
     * debug line, not a stack trace (Helidon logs a warning with one when an error follows a sent response;
     * a client in a connect/request/reset loop made 182 MiB of them in 10 s).
     */
    public static void sendUnlessGone(ServerResponse res, Failure failure, WireCodec codec, ServerMetrics metrics) {
        if (res.isSent()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "client went away before its answer was sent (" + failure.message() + ")");
            return;
        }
        try {
            send(res, failure, codec, metrics);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "client went away before its error answer was sent: " + e);
        }
    }

    /** Writes a JSON answer; a client gone meanwhile is a debug line (see {@link #sendUnlessGone}). */
    public static void jsonUnlessGone(ServerResponse res, int status, byte[] body) {
        try {
            json(res, status, body);
        } catch (RuntimeException e) {
            if (!res.isSent()) {
                throw e;
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "client went away before its answer was sent: " + e);
        }
    }

    static void json(ServerResponse res, int status, byte[] body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }
}
