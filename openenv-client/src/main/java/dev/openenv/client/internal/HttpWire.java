package dev.openenv.client.internal;

import dev.openenv.client.ClientOptions;
import dev.openenv.client.ConnectException;
import dev.openenv.client.EnvClientException;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.protocol.ClientMessage;
import dev.openenv.core.protocol.ServerMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HTTP routes {@code POST /reset}, {@code POST /step}, {@code GET /state}, for servers that only speak
 * HTTP. On the first reset it asks for an isolated session ({@code X-OpenEnv-Session: new}) and sends
 * the id it gets back on every later request, and ends it with {@code DELETE /session} on close; a
 * server that does not know the header (the Python reference, whose HTTP routes are stateless) simply
 * ignores it and never names a session, so nothing is deleted there.
 */
public final class HttpWire implements Wire {
    private static final String SESSION_HEADER = "X-OpenEnv-Session";

    private final WireCodec codec = WireCodec.standard();
    private final ClientOptions options;
    private final HttpClient http;
    private final URI base;
    private volatile String sessionId;

    public HttpWire(ClientOptions options, HttpClient http, URI base) {
        this.options = options;
        this.http = http;
        this.base = base;
    }

    @Override
    public CompletableFuture<ServerMessage> send(ClientMessage message) {
        return switch (message) {
            case ClientMessage.Reset m -> send(post("/reset", m.data(), sessionId == null ? "new" : sessionId),
                    body -> new ServerMessage.Observation(object(body)));
            case ClientMessage.Step m -> {
                // The HTTP body is {"action": …}: the step frame's data under the name the route reads it by.
                ObjectNode body = JsonNodeFactory.instance.objectNode();
                body.set("action", m.action());
                yield send(post("/step", body, sessionId), reply -> new ServerMessage.Observation(object(reply)));
            }
            case ClientMessage.State m -> send(request("/state", sessionId).GET().build(), ServerMessage.State::new);
            case ClientMessage.Close m -> throw new IllegalArgumentException("close() ends an HTTP session");
            case ClientMessage.Mcp m -> {
                // JSON-RPC on POST /mcp, naming this client's session (the default one when it has none yet).
                JsonNode request = m.request();
                if (sessionId != null && request instanceof ObjectNode o && o.path("params").isObject()
                        && !o.path("params").has("session_id")) {
                    request = o.deepCopy();
                    ((ObjectNode) request.get("params")).put("session_id", sessionId);
                }
                yield send(post("/mcp", request, null), ServerMessage.Mcp::new);
            }
        };
    }

    private static ObjectNode object(JsonNode body) {
        return body instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
    }

    private HttpRequest post(String path, JsonNode body, String session) {
        return request(path, session).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(codec.writeBytes(body))).build();
    }

    private HttpRequest.Builder request(String path, String session) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(base.getPath().replaceAll("/+$", "") + path))
                .timeout(options.replyTimeout());
        options.headers().forEach(b::header);
        if (session != null) {
            b.header(SESSION_HEADER, session);
        }
        return b;
    }

    /** Sends {@code request}; a 200 answer is read by {@code reply}, any other status as the error it stands for. */
    private CompletableFuture<ServerMessage> send(HttpRequest request, java.util.function.Function<JsonNode, ServerMessage> reply) {
        var exchange = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        // The request timeout only covers waiting for the response headers; a body that stalls after
        // them would hang the call for ever, so the whole exchange gets the same budget.
        var bounded = exchange.copy().orTimeout(options.replyTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .whenComplete((response, error) -> {
                    if (error != null) {
                        exchange.cancel(true);
                    }
                });
        return bounded.handle((response, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof HttpTimeoutException || cause instanceof java.util.concurrent.TimeoutException) {
                    throw new EnvClientException("No reply from " + request.uri() + " within " + options.replyTimeout(), cause);
                }
                if (cause instanceof IOException) {
                    throw new ConnectException("Failed to reach " + request.uri() + ": " + cause.getMessage(), cause);
                }
                throw new EnvClientException("Request to " + request.uri() + " failed: " + cause, cause);
            }
            if (response.statusCode() != 200) {
                return ServerMessage.Error.fromHttp(response.statusCode(), response.body(), codec);
            }
            response.headers().firstValue(SESSION_HEADER).ifPresent(id -> {
                if (!"default".equals(id)) {
                    sessionId = id;
                }
            });
            return reply.apply(codec.parse(response.body()));
        });
    }

    @Override
    public void close() {
        String id = sessionId;
        sessionId = null;
        if (id == null) {
            return; // the default session, or a server without HTTP sessions: nothing to end
        }
        try {
            // Frees the isolated session's capacity slot now rather than at the server's idle timeout.
            http.sendAsync(request("/session", id).DELETE().build(), HttpResponse.BodyHandlers.discarding())
                    .get(options.replyTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ignored) {
            // The server is gone or slow; its idle timeout ends the session.
        }
    }
}
