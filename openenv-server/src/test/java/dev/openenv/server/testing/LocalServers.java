package dev.openenv.server.testing;

import dev.openenv.core.Action;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.State;
import dev.openenv.server.EnvServer;
import dev.openenv.server.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real servers for tests: every server started here listens on 127.0.0.1, port 0, and is closed after the test
 * that started it; one started in {@code @BeforeAll} (extension on a static field) is closed after the class.
 * Other resources, such as clients, can be handed over with {@link #closeAfter} and are closed first.
 *
 * <pre>{@code
 * @RegisterExtension final LocalServers servers = new LocalServers();
 *
 * EnvServer server = servers.start(EchoEnvironment::new, ECHO, c -> c.withMaxConcurrentEnvs(2));
 * try (var client = EnvClient.connect(server.baseUrl(), ECHO)) { ... }
 * }</pre>
 *
 * Shipped in openenv-server's test-jar; other modules depend on it with {@code <type>test-jar</type>}.
 */
public final class LocalServers implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<AutoCloseable> open = new ArrayList<>();
    private int ownedByClass;

    /** The defaults with loopback and port 0: what every server started here runs with, before the test's changes. */
    public static ServerConfig local() {
        return ServerConfig.defaults().withHost("127.0.0.1").withPort(0);
    }

    /** A configuration change allowing {@code n} concurrent sessions: {@code servers.start(Echo::new, ECHO, sessions(4))}. */
    public static UnaryOperator<ServerConfig> sessions(int n) {
        return c -> c.withMaxConcurrentEnvs(n);
    }

    /** Starts {@code factory} with the wire {@code type} (null: learned from an instance) and {@code config} applied to {@link #local()}. */
    public <A extends Action, O, S extends State> EnvServer start(Supplier<? extends Environment<A, O, S>> factory,
            EnvironmentType<A, O, S> type, UnaryOperator<ServerConfig> config) {
        // Whatever the test changed, the server stays on loopback and an ephemeral port.
        var builder = EnvServer.builder(factory).config(c -> config.apply(local()).withHost("127.0.0.1").withPort(0));
        if (type != null) {
            builder.types(type);
        }
        return started(builder.start());
    }

    /** Starts {@code factory} with the wire {@code type} and the {@link #local()} configuration. */
    public <A extends Action, O, S extends State> EnvServer start(Supplier<? extends Environment<A, O, S>> factory,
            EnvironmentType<A, O, S> type) {
        return start(factory, type, UnaryOperator.identity());
    }

    /** Starts the bundled environment {@code name} (as {@code openenv serve NAME} would) with {@code config}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public EnvServer startBundled(String name, UnaryOperator<ServerConfig> config) {
        var entry = dev.openenv.envs.BundledEnvironments.find(name).orElseThrow(() -> new IllegalArgumentException(name));
        return start((Supplier) entry.factory(), (EnvironmentType) entry.type(), config);
    }

    /** Closes {@code resource} after the test (before the servers); returns it. */
    public synchronized <T extends AutoCloseable> T closeAfter(T resource) {
        open.add(resource);
        return resource;
    }

    /** The server started last that is still running. */
    public synchronized EnvServer server() {
        for (int i = open.size() - 1; i >= 0; i--) {
            if (open.get(i) instanceof EnvServer server) {
                return server;
            }
        }
        throw new IllegalStateException("no server running");
    }

    /** {@link #server()}'s base URL. */
    public String baseUrl() {
        return server().baseUrl();
    }

    /**
     * {@code method path} on {@link #server()} over HTTP/1.1 as JSON, with {@code body} (null: none) and
     * headers as name, value pairs.
     */
    public HttpResponse<String> send(String method, String path, String body, String... headers) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET path} on {@link #server()}. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    /** {@code POST path} on {@link #server()} with a JSON {@code body} and headers as name, value pairs. */
    public HttpResponse<String> post(String path, String body, String... headers) throws IOException, InterruptedException {
        return send("POST", path, body, headers);
    }

    private synchronized EnvServer started(EnvServer server) {
        open.add(server);
        return server;
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        ownedByClass = open.size();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        closeDownTo(ownedByClass);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        closeDownTo(0);
    }

    /** Closes newest first, so clients go before the servers they talk to; closing twice is harmless. */
    private void closeDownTo(int keep) throws Exception {
        Exception failure = null;
        while (true) {
            AutoCloseable next;
            synchronized (this) {
                if (open.size() <= keep) {
                    break;
                }
                next = open.removeLast();
            }
            try {
                next.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
