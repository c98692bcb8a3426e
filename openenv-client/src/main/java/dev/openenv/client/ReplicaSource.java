package dev.openenv.client;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Where the servers (replicas) of one environment are now, for an {@link EnvPool}. Asked each time the pool
 * places a session, so an implementation that discovers replicas (the Kubernetes one in {@code openenv-runtime}
 * reads a Service's endpoints) answers from a cache and refreshes it in the background or at a bounded rate.
 * A replica that disappears from the list gets no new sessions; the sessions it holds go on until the server
 * goes away.
 */
@FunctionalInterface
public interface ReplicaSource {
    /** The base URLs of the replicas that may take sessions now; empty when there are none. */
    List<URI> current();

    /** A fixed list of servers, e.g. several local ones: {@code http://host:port}, {@code ws://…} or {@code host:port}. */
    static ReplicaSource of(List<String> baseUrls) {
        Objects.requireNonNull(baseUrls, "baseUrls");
        List<URI> uris = baseUrls.stream().map(dev.openenv.client.internal.ClientCore::httpBase).toList();
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("a pool needs at least one replica URL");
        }
        return () -> uris;
    }
}
