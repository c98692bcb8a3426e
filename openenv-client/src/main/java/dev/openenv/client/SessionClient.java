package dev.openenv.client;

import dev.openenv.client.internal.ClientCore;
import java.net.URI;

/**
 * What every client of one server session has: its server's URL, {@link #reconnect()} and
 * {@link #close()}. The three clients differ only in how they type actions and observations.
 */
abstract sealed class SessionClient implements AutoCloseable permits EnvClient, GenericEnvClient, McpToolClient {
    final ClientCore core;

    /** Opens a session with the server at {@code baseUrl}; {@code started}, when not null, is stopped on {@link #close()}. */
    SessionClient(String baseUrl, ClientOptions options, RunningEnv started) {
        this(new ClientCore(baseUrl, options, started));
    }

    SessionClient(ClientCore core) {
        this.core = core;
    }

    /** Ends the current session (if any is left) and opens a new one: a new episode, so reset next. */
    public void reconnect() {
        core.reconnect();
    }

    /** The server's HTTP base URL. */
    public URI baseUri() {
        return core.baseUri();
    }

    /**
     * Tells the server the session is over and closes the connection; a client made by {@code start(…)}
     * then stops its server. Idempotent.
     */
    @Override
    public void close() {
        core.close();
    }
}
