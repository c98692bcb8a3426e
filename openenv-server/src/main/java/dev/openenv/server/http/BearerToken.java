package dev.openenv.server.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Optional access control: with a token configured ({@code OPENENV_AUTH_TOKEN}, or
 * {@code EnvServer.builder(...).authToken(...)}), every route and every WebSocket upgrade needs
 * {@code Authorization: Bearer <token>}; without it, 401 and a JSON {@code detail}. {@code /health}
 * stays open: it says nothing but "healthy", and upstream's {@code from_docker_image} and container
 * health checks poll it without headers. The reference 0.10 has no token at all, so without one
 * configured nothing changes.
 */
public record BearerToken(String token) {
    /** The environment variable a token is read from. */
    public static final String VARIABLE = "OPENENV_AUTH_TOKEN";

    public BearerToken {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("an auth token must not be empty");
        }
    }

    /** The token of {@link #VARIABLE}, if set and not blank. */
    public static Optional<BearerToken> fromEnvironment(java.util.Map<String, String> env) {
        String t = env.get(VARIABLE);
        return t == null || t.isBlank() ? Optional.empty() : Optional.of(new BearerToken(t));
    }

    /** Whether {@code authorization} (the header's value, or null) carries this token. */
    public boolean admits(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // Constant time: the comparison must not tell a prober how much of a guess was right.
        return MessageDigest.isEqual(authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds the check in front of every HTTP route but {@code /health}. */
    public void register(HttpRouting.Builder routing) {
        routing.addFilter((chain, req, res) -> {
            if (req.prologue().uriPath().path().equals("/health")
                    || admits(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null))) {
                chain.proceed();
                return;
            }
            res.status(Status.UNAUTHORIZED_401)
                    .header(HeaderNames.WWW_AUTHENTICATE, "Bearer")
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send("{\"detail\":\"Missing or invalid bearer token: send 'Authorization: Bearer <token>' (" + VARIABLE + ")\"}");
        });
    }

    /** {@code listeners}, refusing upgrades without the token. */
    public Supplier<WsListener> guard(Supplier<? extends WsListener> listeners) {
        return () -> new Guarded(listeners.get());
    }

    private final class Guarded implements WsListener {
        private final WsListener delegate;

        Guarded(WsListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
            if (!admits(headers.first(HeaderNames.AUTHORIZATION).orElse(null))) {
                throw new WsUpgradeException("Missing or invalid bearer token");
            }
            return delegate.onHttpUpgrade(prologue, headers);
        }

        @Override
        public void onMessage(WsSession session, String text, boolean last) {
            delegate.onMessage(session, text, last);
        }

        @Override
        public void onMessage(WsSession session, BufferData buffer, boolean last) {
            delegate.onMessage(session, buffer, last);
        }

        @Override
        public void onPing(WsSession session, BufferData buffer) {
            delegate.onPing(session, buffer);
        }

        @Override
        public void onPong(WsSession session, BufferData buffer) {
            delegate.onPong(session, buffer);
        }

        @Override
        public void onClose(WsSession session, int status, String reason) {
            delegate.onClose(session, status, reason);
        }

        @Override
        public void onError(WsSession session, Throwable t) {
            delegate.onError(session, t);
        }

        @Override
        public void onOpen(WsSession session) {
            delegate.onOpen(session);
        }
    }
}
