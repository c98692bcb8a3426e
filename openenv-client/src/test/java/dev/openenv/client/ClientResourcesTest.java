package dev.openenv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.client.internal.JdkWebSocketWire;
import dev.openenv.client.internal.NettyWebSocketWire;
import java.util.function.IntSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import dev.openenv.core.protocol.ErrorCode;
import dev.openenv.envs.echo.EchoAction;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.server.EnvServer;
import dev.openenv.server.testing.LocalServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a client holds on to, on the server and in its own JVM, after it is done with it. */
@Timeout(60)
class ClientResourcesTest {
    @RegisterExtension
    final LocalServers servers = new LocalServers();
    EnvServer server;

    @Test
    void closingAnHttpClientFreesItsServerSlotAtOnce() {
        server = servers.start(EchoEnvironment::new, EnvClientTest.ECHO, LocalServers.sessions(1));
        var http = ClientOptions.defaults().withTransport(ClientOptions.Transport.HTTP);
        for (int i = 0; i < 3; i++) {   // with a leaked slot the second client would wait for the idle timeout
            try (var client = EnvClient.connect(server.baseUrl(), EnvClientTest.ECHO, http)) {
                client.reset();
                assertThat(client.step(new EchoAction("hi")).reward()).isEqualTo(0.2);
                assertThat(server.activeSessions()).isEqualTo(1);
            }
            assertThat(server.activeSessions()).as("slots in use after close").isZero();
        }
        // and a WebSocket client fits right after an HTTP one
        try (var client = EnvClient.connect(server.baseUrl(), EnvClientTest.ECHO, http)) {
            client.reset();
        }
        try (var client = EnvClient.connect(server.baseUrl(), EnvClientTest.ECHO)) {
            assertThat(client.reset().observation().echoedMessage()).isEqualTo("Echo environment ready!");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ClientOptions.Transport.class, names = {"WEBSOCKET", "WEBSOCKET_JDK"})
    void whenAWebSocketClientsCloseReturnsItsServerSlotIsAlreadyFree(ClientOptions.Transport transport) {
        server = servers.start(EchoEnvironment::new, EnvClientTest.ECHO, LocalServers.sessions(1));
        var options = ClientOptions.defaults().withTransport(transport);
        for (int i = 0; i < 300; i++) {   // the server once sent its close frame before ending the session
            try (var client = EnvClient.connect(server.baseUrl(), EnvClientTest.ECHO, options)) {
                client.reset();
            }
            assertThat(server.activeSessions()).as("slots in use right after close #%d", i).isZero();
        }
    }

    @Test
    void deletingAnUnknownOrDefaultSessionIsAClearError() throws Exception {
        server = servers.start(EchoEnvironment::new, EnvClientTest.ECHO, LocalServers.sessions(1));
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (String id : new String[] {"nope", "default"}) {
                var response = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/session"))
                        .header("X-OpenEnv-Session", id).DELETE().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(id).isIn(400, 404);
                assertThat(response.body()).contains("detail");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ClientOptions.Transport.class, names = {"WEBSOCKET", "WEBSOCKET_JDK"})
    void answeredRequestsLeaveNoReplyDeadlineBehind(ClientOptions.Transport transport) {
        server = servers.start(EchoEnvironment::new, EnvClientTest.ECHO, LocalServers.sessions(2));
        IntSupplier deadlines = transport == ClientOptions.Transport.WEBSOCKET
                ? NettyWebSocketWire::requestsInFlight : JdkWebSocketWire::pendingDeadlines;
        int before = deadlines.getAsInt();
        try (var client = EnvClient.connect(server.baseUrl(), EnvClientTest.ECHO,
                ClientOptions.defaults().withTransport(transport).withReplyTimeout(Duration.ofMinutes(5)))) {
            client.reset();
            for (int i = 0; i < 2_000; i++) {
                client.step(new EchoAction("x"));
            }
            // Each deadline is cancelled as its reply completes; the cancellation runs right after.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (deadlines.getAsInt() > before && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(deadlines.getAsInt()).isLessThanOrEqualTo(before);
        }
    }

    @Test
    void serverErrorsCarryTheEnumCodeAndTheMessageAsSent() {
        server = servers.start(EchoEnvironment::new, EnvClientTest.ECHO, LocalServers.sessions(1));
        try (var first = EnvClient.connect(server.baseUrl(), EnvClientTest.ECHO)) {
            first.reset();
            assertThatThrownBy(() -> {
                try (var second = EnvClient.connect(server.baseUrl(), EnvClientTest.ECHO)) {
                    second.reset();
                }
            }).isInstanceOfSatisfying(CapacityReachedException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CAPACITY_REACHED);
                assertThat(e.rawCode()).isEqualTo("CAPACITY_REACHED");
                assertThat(e.maxSessions()).isEqualTo(1);
                assertThat(e.serverMessage()).doesNotContain("code:").contains("1");
            });
        }
    }

    @Test
    void anHttpClientOnAFullServerIsRefusedWithTheCapacityCode() {
        server = servers.start(EchoEnvironment::new, EnvClientTest.ECHO, LocalServers.sessions(1));
        var http = ClientOptions.defaults().withTransport(ClientOptions.Transport.HTTP);
        try (var first = EnvClient.connect(server.baseUrl(), EnvClientTest.ECHO);
             var second = EnvClient.connect(server.baseUrl(), EnvClientTest.ECHO, http)) {
            first.reset();
            assertThatThrownBy(second::reset).isInstanceOfSatisfying(CapacityReachedException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CAPACITY_REACHED);
                assertThat(e.details()).containsEntry("status", 503);
            });
        }
    }
}
