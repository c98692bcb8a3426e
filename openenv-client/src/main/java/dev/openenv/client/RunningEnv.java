package dev.openenv.client;

/**
 * A server an {@link EnvProvider} started. States: running → {@link #close() closed}; a server that
 * dies on its own stays in running until closed (clients then see {@link SessionLostException}), and
 * {@code close()} still releases what was started for it.
 */
public interface RunningEnv extends AutoCloseable {
    /** The server's HTTP base URL, e.g. {@code http://127.0.0.1:41234}. */
    String baseUrl();

    /** Stops the server and releases everything started for it. Idempotent; never throws. */
    @Override
    void close();
}
