package dev.openenv.client.internal;

import dev.openenv.client.ConnectException;
import dev.openenv.client.EnvClientException;
import dev.openenv.core.json.WireCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A server-side session held through {@code POST /mcp} JSON-RPC, as 0.10's {@code MCPToolClient} holds
 * one in production mode: {@code openenv/session/create} opens it, requests name it by
 * {@code session_id}, {@code openenv/session/close} ends it.
 *
 * <p>States: OPEN (from {@link #create}) → CLOSED ({@link #close()}, idempotent; {@link #renew()} closes
 * it and opens another).
 */
public final class McpHttpSession {
    private static final WireCodec CODEC = WireCodec.standard();

    private final URI endpoint;
    private final dev.openenv.client.ClientOptions options;
    private final AtomicLong ids = new AtomicLong();
    private volatile String id;

    private McpHttpSession(URI httpBase, dev.openenv.client.ClientOptions options) {
        this.endpoint = URI.create(httpBase + "/mcp");
        this.options = options;
    }

    /** Opens a session on the server at {@code httpBase}. */
    public static McpHttpSession create(URI httpBase, dev.openenv.client.ClientOptions options) {
        McpHttpSession s = new McpHttpSession(httpBase, options);
        s.id = s.open();
        return s;
    }

    /** Takes charge of an existing session (one made by {@code openenv/session/fork}): closing ends it. */
    public static McpHttpSession adopt(URI httpBase, dev.openenv.client.ClientOptions options, String sessionId) {
        McpHttpSession s = new McpHttpSession(httpBase, options);
        s.id = java.util.Objects.requireNonNull(sessionId, "sessionId");
        return s;
    }

    private String open() {
        JsonNode reply = request("openenv/session/create", JsonNodeFactory.instance.objectNode());
        if (reply.has("error")) {
            throw new EnvClientException("Failed to create MCP session: " + reply.path("error").path("message").asString("unknown error"));
        }
        String sessionId = reply.path("result").path("session_id").asString(null);
        if (sessionId == null || sessionId.isEmpty()) {
            throw new EnvClientException("Failed to create MCP session: missing session_id");
        }
        return sessionId;
    }

    public String id() {
        return id;
    }

    /** Sends {@code method} with {@code params} plus this session's {@code session_id}; returns the whole JSON-RPC reply. */
    public JsonNode call(String method, ObjectNode params) {
        ObjectNode withSession = params.deepCopy();
        withSession.put("session_id", id);
        return request(method, withSession);
    }

    /** Ends this session and opens a new one. */
    public synchronized void renew() {
        close();
        id = open();
    }

    /** Ends the session on the server (best effort: a server already gone is not an error). Idempotent. */
    public synchronized void close() {
        String current = id;
        id = null;
        if (current != null) {
            try {
                request("openenv/session/close", JsonNodeFactory.instance.objectNode().put("session_id", current));
            } catch (RuntimeException ignored) {
                // the server may be gone already; its idle reaper frees the session then
            }
        }
    }

    private JsonNode request(String method, ObjectNode params) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("jsonrpc", "2.0").put("id", ids.incrementAndGet()).put("method", method);
        body.set("params", params);
        var builder = HttpRequest.newBuilder(endpoint).timeout(options.replyTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CODEC.write(body)));
        options.headers().forEach(builder::header);
        try {
            HttpResponse<String> response = ClientCore.http(options).send(builder.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                throw new EnvClientException("The server at " + endpoint + " has no /mcp endpoint (HTTP 404): it is not an MCP environment");
            }
            return CODEC.parse(response.body());
        } catch (IOException e) {
            throw new ConnectException("Cannot reach " + endpoint + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvClientException("Interrupted while waiting for " + endpoint, e);
        }
    }
}
