package dev.openenv.runtime;

import java.util.Optional;

/** What a {@link WaitStrategy} waits for: a server that is starting. */
public interface WaitTarget {
    /** The server's HTTP base URL. */
    String baseUrl();

    /**
     * Empty while the server may still come up; why it cannot once that is known (its process exited,
     * its container stopped, its pod failed), so waiting can stop at once instead of at the timeout.
     */
    Optional<String> failure();
}
