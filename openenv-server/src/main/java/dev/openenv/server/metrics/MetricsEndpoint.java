package dev.openenv.server.metrics;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;

/**
 * {@code GET /metrics}: {@link ServerMetrics} as Prometheus text; and the filter that counts HTTP bytes
 * (request bodies by their {@code Content-Length}, responses as written). Behind the bearer token, like
 * every route but {@code /health}.
 */
public final class MetricsEndpoint {
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
            res.header(HeaderNames.CONTENT_TYPE, ServerMetrics.contentType());
            res.send(metrics.scrape());
        });
    }
}
