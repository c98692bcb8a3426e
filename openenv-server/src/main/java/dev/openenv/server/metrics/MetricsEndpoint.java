package dev.openenv.server.metrics;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;

/**
 * {@code GET /metrics}: {@link ServerMetrics} as Prometheus text; and the filter that counts HTTP bytes
 * (request bodies by their {@code Content-Length}, responses as written). Behind the bearer token, like
 * every route but {@code /health}.
 */
public final class MetricsEndpoint {
    private static final System.Logger LOG = System.getLogger(MetricsEndpoint.class.getName());
    private final ServerMetrics metrics;

    public MetricsEndpoint(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    public void register(HttpRouting.Builder routing) {
        routing.addFilter((chain, req, res) -> {
            req.headers().contentLength().ifPresent(n -> metrics.received(false, n));
            res.whenSent(() -> metrics.sent(false, res.bytesWritten()));
            chain.proceed();
        });
        routing.route(Method.GET, "/metrics", (req, res) -> {
            String text;
            try {
                text = metrics.scrape();
            } catch (RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.WARNING, "metrics: scrape failed (" + e + "); answered 503");
                res.status(Status.SERVICE_UNAVAILABLE_503).header(HeaderNames.CONTENT_TYPE, "application/json")
                        .send("{\"detail\":\"metrics are not available right now: " + e.getClass().getSimpleName() + "\"}");
                return;
            }
            res.header(HeaderNames.CONTENT_TYPE, ServerMetrics.contentType());
            res.send(text);
        });
    }
}
