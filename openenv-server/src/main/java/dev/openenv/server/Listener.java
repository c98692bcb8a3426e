package dev.openenv.server;

import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * The server's listening socket, kept listening. Helidon's accept loop ends for good on any accept error
 * other than a closed socket, and {@code EMFILE} (out of file descriptors) is one: the port closed, the
 * process alive, and a supervisor none the wiser. Two defences:
 * <ul>
 *   <li>connections are capped below the descriptor limit ({@link #connectionCap()}), so idle
 *       connections alone cannot exhaust it: past the cap new connections wait in the backlog;</li>
 *   <li>when descriptors run out anyway (an environment opening files), a watcher notices the port
 *       refusing connections and starts a new listener on the same port, retrying until descriptors are
 *       free again, and logs the outage once, and the recovery once.</li>
 * </ul>
 * Sessions of the dead listener's connections end with them, as their sockets are closed.
 */
final class Listener implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EnvServer.class.getName());
    private static final Duration LOOK_EVERY = Duration.ofSeconds(1);

    private final IntFunction<WebServer> build;
    private final String host;
    private volatile WebServer server;
    private volatile boolean closed;
    private Thread watcher;

    /** @param build a new (unstarted) server on the given port */
    Listener(IntFunction<WebServer> build, int port, String host) {
        this.build = build;
        this.host = host;
        this.server = build.apply(port);
    }

    void start() {
        server.start();
        watcher = Thread.ofVirtual().name("openenv-listener-watch").start(this::watch);
    }

    int port() {
        return server.port();
    }

    private void watch() {
        long downSince = 0;
        while (!closed) {
            try {
                Thread.sleep(LOOK_EVERY);
            } catch (InterruptedException e) {
                return;
            }
            if (closed || !refusesConnections()) {
                continue;
            }
            if (downSince == 0) {
                downSince = System.nanoTime();
                LOG.log(System.Logger.Level.WARNING, "the listener on " + host + ":" + port()
                        + " stopped accepting (out of file descriptors?); starting a new one, retrying until it binds");
            }
            if (restart()) {
                LOG.log(System.Logger.Level.WARNING, "listening again on " + host + ":" + port() + " after "
                        + Duration.ofNanos(System.nanoTime() - downSince).toMillis() + " ms");
                downSince = 0;
            }
        }
    }

    /** Whether nothing listens on our port: a connection refused (other failures, such as our own EMFILE, say nothing). */
    private boolean refusesConnections() {
        String probeHost = host.equals("0.0.0.0") || host.equals("::") || host.isEmpty() ? "127.0.0.1" : host;
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(probeHost, server.port()), 1000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean restart() {
        int port = server.port();
        try {
            server.stop(); // what is left of the dead one: its executors
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "stopping the dead listener failed", e);
        }
        try {
            WebServer next = build.apply(port);
            next.start();
            if (closed) {
                next.stop();
                return false;
            }
            server = next;
            return true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "the new listener failed to start; retrying", e);
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            watcher.interrupt();
        }
        server.stop();
    }

    /**
     * Most connections to hold open at once: the process's descriptor limit less those already open and
     * a reserve for environments (a tenth, at least 32), or 0 (no cap) where the limit is unknown.
     */
    static int connectionCap() {
        OptionalLong limit = descriptorLimit();
        if (limit.isEmpty()) {
            return 0;
        }
        long open;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            open = fds.count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        long cap = limit.getAsLong() - open - Math.max(32, limit.getAsLong() / 10);
        return (int) Math.max(16, Math.min(cap, Integer.MAX_VALUE));
    }

    /** The soft {@code RLIMIT_NOFILE} of this process (Linux: {@code /proc/self/limits}). */
    static OptionalLong descriptorLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
                    return soft.equals("unlimited") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(soft));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no cap
        }
        return OptionalLong.empty();
    }
}
