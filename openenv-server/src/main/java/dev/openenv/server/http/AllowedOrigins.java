package dev.openenv.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Browser origins allowed besides the server's own. A page's {@code Origin} is checked on every
 * WebSocket upgrade: the server's own origin (same host and port) always passes, others only when listed
 * here ({@code OPENENV_ALLOWED_ORIGINS}, comma separated, or {@code EnvServer.builder(...).allowedOrigins(...)};
 * {@code *} allows any). Clients that are not browsers send no {@code Origin} and are not affected.
 *
 * <p>For HTTP, listed origins get CORS answers (preflights included, before the bearer token is asked
 * for: browsers send none on a preflight), so a page served elsewhere can call the API; unlisted ones get
 * no CORS headers, and the browser keeps their page from reading the answers.
 *
 * @param origins normalized origins ({@code scheme://host[:port]}, lower case, default port dropped), or {@code *}
 */
public record AllowedOrigins(Set<String> origins) {
    /** The environment variable the list is read from. */
    public static final String VARIABLE = "OPENENV_ALLOWED_ORIGINS";
    private static final String ANY = "*";

    public AllowedOrigins {
        origins = Set.copyOf(origins);
    }

    /** Parses and normalizes {@code origins}; each must be {@code *} or {@code scheme://host[:port]}. */
    public static AllowedOrigins of(Collection<String> origins) {
        Set<String> normalized = new LinkedHashSet<>();
        for (String o : origins) {
            String s = o.strip();
            if (s.isEmpty()) {
                continue;
            }
            if (s.equals(ANY)) {
                normalized.add(ANY);
                continue;
            }
            String n = normalize(s);
            if (n == null) {
                throw new IllegalArgumentException("not an origin: '" + s + "' (expected scheme://host[:port], e.g. https://example.org, or *)");
            }
            normalized.add(n);
        }
        return new AllowedOrigins(normalized);
    }

    /** The list in {@link #VARIABLE}, empty when unset. */
    public static AllowedOrigins fromEnvironment(Map<String, String> env) {
        String v = env.get(VARIABLE);
        return v == null ? none() : of(Arrays.asList(v.split("[,\\s]+")));
    }

    /** Only the server's own origin. */
    public static AllowedOrigins none() {
        return new AllowedOrigins(Set.of());
    }

    public boolean isEmpty() {
        return origins.isEmpty();
    }

    /** Whether {@code origin} (a request's {@code Origin} header) is listed. The server's own origin is checked elsewhere. */
    public boolean admits(String origin) {
        if (origin == null || origins.isEmpty()) {
            return false;
        }
        if (origins.contains(ANY)) {
            return true;
        }
        String n = normalize(origin.strip());
        return n != null && origins.contains(n);
    }

    /** {@code scheme://host[:port]} in lower case without the scheme's default port, or null when it is not an origin. */
    static String normalize(String origin) {
        try {
            URI uri = new URI(origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin);
            if (uri.getScheme() == null || uri.getHost() == null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                return null;
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || (port == 80 && (scheme.equals("http") || scheme.equals("ws")))
                    || (port == 443 && (scheme.equals("https") || scheme.equals("wss")));
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /**
     * CORS for the listed origins, registered before the token check: preflights ({@code OPTIONS} with
     * {@code Access-Control-Request-Method}) are answered 204 here; other requests get
     * {@code Access-Control-Allow-Origin} and go on.
     */
    public void registerCors(HttpRouting.Builder routing) {
        routing.addFilter((chain, req, res) -> {
            String origin = req.headers().first(HeaderNames.ORIGIN).orElse(null);
            if (!admits(origin)) {
                chain.proceed();
                return;
            }
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            res.header(HeaderNames.VARY, "Origin");
            res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, HttpEndpoints.SESSION_HEADER.defaultCase());
            if (req.prologue().method().equals(Method.OPTIONS) && req.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD)) {
                res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, DELETE");
                res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, Authorization, " + HttpEndpoints.SESSION_HEADER.defaultCase());
                res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
                res.status(Status.NO_CONTENT_204).send();
                return;
            }
            chain.proceed();
        });
    }
}
