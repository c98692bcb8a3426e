package dev.openenv.client;

/**
 * Starts an OpenEnv server somewhere and says where it listens: the seam between a client and the
 * runtime providers of {@code openenv-runtime} (in-process, local process, sandbox, container engine,
 * Kubernetes, remote URL). A provider is a recipe: each {@link #start()} starts a new server.
 *
 * <pre>{@code
 * try (var env = EnvClient.start(provider, echoType)) {   // started, ready, connected
 *     env.reset();
 * }                                                       // client closed, then the server stopped
 * }</pre>
 */
@FunctionalInterface
public interface EnvProvider {
    /**
     * Starts a server and blocks until it is ready to serve a session.
     *
     * @return the running server; closing it stops everything this call started
     * @throws RuntimeException (unchecked, provider-specific) when the server could not be started;
     *         nothing is left running then
     */
    RunningEnv start();
}
