package dev.openenv.server.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The browser UI at {@code /web}: a few static files (HTML, JavaScript, CSS) shipped in this jar. The page
 * is a client like any other: it reads {@code /metadata} and {@code /schema} and plays the environment
 * over its own {@code /ws} session. Every URL it uses is relative, so it works behind a path prefix.
 */
public final class WebInterface {
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

    private record Asset(String contentType, byte[] body) {}

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    public WebInterface() {
        assets.put("", load("index.html", "text/html; charset=utf-8"));
        assets.put("app.js", load("app.js", "text/javascript; charset=utf-8"));
        assets.put("form.js", load("form.js", "text/javascript; charset=utf-8"));
        assets.put("markdown.js", load("markdown.js", "text/javascript; charset=utf-8"));
        assets.put("app.css", load("app.css", "text/css; charset=utf-8"));
        assets.put("replay.html", load("replay.html", "text/html; charset=utf-8"));
        assets.put("replay.js", load("replay.js", "text/javascript; charset=utf-8"));
        assets.put("picture.js", load("picture.js", "text/javascript; charset=utf-8"));
    }

    /** Registers {@code /}, {@code /web} and {@code /web/*}; call before the catch-all 404. */
    public void register(HttpRouting.Builder routing) {
        // Relative redirects, so a proxy's path prefix survives: /p/web -> /p/web/.
        routing.get("/", (req, res) -> redirect(res, "web/"));
        routing.get("/web", (req, res) -> redirect(res, "web/"));
        routing.get("/web/", (req, res) -> send(res, assets.get("")));
        routing.get("/web/{file}", (req, res) -> {
            Asset asset = assets.get(req.path().pathParameters().get("file"));
            if (asset == null) {
                res.status(Status.NOT_FOUND_404).header(HeaderNames.CONTENT_TYPE, "application/json")
                        .send("{\"detail\":\"Not Found\"}");
            } else {
                send(res, asset);
            }
        });
    }

    private static void send(ServerResponse res, Asset asset) {
        res.header(HeaderNames.CONTENT_TYPE, asset.contentType())
                .header(HeaderNames.CACHE_CONTROL, "no-cache")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", CSP)
                .send(asset.body());
    }

    private static void redirect(ServerResponse res, String location) {
        res.status(Status.TEMPORARY_REDIRECT_307).header(HeaderNames.LOCATION, location).send();
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = WebInterface.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("web asset missing from the jar: " + name);
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
