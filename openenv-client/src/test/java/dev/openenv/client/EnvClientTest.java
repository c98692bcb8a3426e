package dev.openenv.client;

import dev.openenv.core.ResetRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.openenv.server.testing.LocalServers.sessions;

import dev.openenv.core.BasicState;
import dev.openenv.core.EnvironmentType;
import dev.openenv.envs.echo.EchoAction;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.envs.echo.EchoObservation;
import dev.openenv.envs.fault.FaultAction;
import dev.openenv.envs.fault.FaultEnvironment;
import dev.openenv.envs.fault.FaultObservation;
import dev.openenv.server.EnvServer;
import dev.openenv.server.testing.Await;
import dev.openenv.server.testing.LocalServers;
import dev.openenv.server.testing.WireTypes;
import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(60)
class EnvClientTest {
    static final EnvironmentType<EchoAction, EchoObservation, BasicState> ECHO = WireTypes.ECHO;
    static final EnvironmentType<FaultAction, FaultObservation, BasicState> FAULT = WireTypes.FAULT;

    @RegisterExtension
    final LocalServers servers = new LocalServers();
    EnvServer server;

    @ParameterizedTest
    @EnumSource(ClientOptions.Transport.class)
    void playsAnEpisodeOverEitherTransport(ClientOptions.Transport transport) {
        server = servers.start(EchoEnvironment::new, ECHO, sessions(4));
        try (var client = EnvClient.connect(server.baseUrl(), ECHO, ClientOptions.defaults().withTransport(transport))) {
            var reset = client.reset(ResetRequest.seeded(7).withEpisodeId("ep-1").withOptions(Map.of("difficulty", "hard")));
            assertThat(reset.observation()).isEqualTo(new EchoObservation("Echo environment ready!", 0));
            var step = client.step(new EchoAction("Hello"));
            assertThat(step.observation()).isEqualTo(new EchoObservation("Hello", 5));
            assertThat(step.reward()).isEqualTo(0.5);
            assertThat(step.metadata()).containsEntry("original_message", "Hello");
            assertThat(client.state()).isEqualTo(new BasicState("ep-1", 1));
        }
    }

    @Test
    void httpClientsGetIsolatedSessions() {
        server = servers.start(EchoEnvironment::new, ECHO, sessions(4));
        var http = ClientOptions.defaults().withTransport(ClientOptions.Transport.HTTP);
        try (var a = EnvClient.connect(server.baseUrl(), ECHO, http); var b = EnvClient.connect(server.baseUrl(), ECHO, http)) {
            a.reset(ResetRequest.none().withEpisodeId("a"));
            b.reset(ResetRequest.none().withEpisodeId("b"));
            a.step(new EchoAction("x"));
            assertThat(a.state()).isEqualTo(new BasicState("a", 1));
            assertThat(b.state()).isEqualTo(new BasicState("b", 0));
        }
    }

    @Test
    void genericClientUsesMapsAndAcceptsEveryUrlForm() {
        server = servers.start(EchoEnvironment::new, ECHO, sessions(4));
        String hostPort = server.baseUrl().substring("http://".length());
        for (String url : new String[] {server.baseUrl(), server.baseUrl() + "/", "ws://" + hostPort, hostPort}) {
            try (var client = GenericEnvClient.connect(url)) {
                client.reset(Map.of("seed", 3));
                assertThat(client.step(Map.of("message", "hey")).observation())
                        .containsEntry("echoed_message", "hey").containsEntry("message_length", 3);
                assertThat(client.state()).containsEntry("step_count", 1);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ClientOptions.Transport.class, names = {"WEBSOCKET", "WEBSOCKET_JDK"})
    void executionAndValidationErrorsCarryTheirCodesAndKeepTheSession(ClientOptions.Transport transport) {
        server = servers.start(FaultEnvironment::new, FAULT, sessions(2));
        try (var client = EnvClient.connect(server.baseUrl(), FAULT, webSocket(transport)); var generic = GenericEnvClient.connect(server.baseUrl(), webSocket(transport))) {
            client.reset();
            assertThatThrownBy(() -> client.step(new FaultAction(true, 0, "boom")))
                    .isInstanceOfSatisfying(ServerErrorException.class, e -> {
                        assertThat(e.code()).isEqualTo(dev.openenv.core.protocol.ErrorCode.EXECUTION_ERROR);
                        assertThat(e.serverMessage()).contains("fault requested");
                    });
            assertThatThrownBy(() -> generic.step(Map.of("sleep_s", "soon")))
                    .isInstanceOfSatisfying(ServerErrorException.class, e -> assertThat(e.code()).isEqualTo(dev.openenv.core.protocol.ErrorCode.VALIDATION_ERROR));
            assertThat(client.step(new FaultAction(false, 0, "fine")).observation().message()).isEqualTo("fine");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ClientOptions.Transport.class, names = {"WEBSOCKET", "WEBSOCKET_JDK"})
    void capacityIsReportedAsItsOwnException(ClientOptions.Transport transport) {
        server = servers.start(EchoEnvironment::new, ECHO, sessions(1));
        // The second connects only once the first holds the slot: two handshakes in flight at once may
        // be bound by the server in either order.
        try (var first = EnvClient.connect(server.baseUrl(), ECHO, webSocket(transport))) {
            first.reset();
            try (var second = EnvClient.connect(server.baseUrl(), ECHO, webSocket(transport))) {
                assertThatThrownBy(second::reset).isInstanceOfSatisfying(CapacityReachedException.class, e -> {
                    assertThat(e.activeSessions()).isEqualTo(1);
                    assertThat(e.maxSessions()).isEqualTo(1);
                });
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ClientOptions.Transport.class, names = {"WEBSOCKET", "WEBSOCKET_JDK"})
    void aReplyTimeoutDropsTheConnectionInsteadOfDesynchronisingIt(ClientOptions.Transport transport) {
        server = servers.start(FaultEnvironment::new, FAULT, sessions(2));
        var opts = webSocket(transport).withReplyTimeout(Duration.ofMillis(300));
        try (var client = EnvClient.connect(server.baseUrl(), FAULT, opts)) {
            client.reset();
            assertThatThrownBy(() -> client.step(new FaultAction(false, 1.0, "slow"))).isInstanceOf(SessionLostException.class);
            assertThatThrownBy(client::state).isInstanceOf(SessionLostException.class);
            client.reconnect();
            client.reset();
            assertThat(client.step(new FaultAction(false, 0, "again")).observation().message()).isEqualTo("again");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ClientOptions.Transport.class, names = {"WEBSOCKET", "WEBSOCKET_JDK"})
    void serverShutdownEndsTheSessionWithSessionError(ClientOptions.Transport transport) {
        server = servers.start(EchoEnvironment::new, ECHO, sessions(2));
        try (var client = EnvClient.connect(server.baseUrl(), ECHO, webSocket(transport))) {
            client.reset();
            server.close();
            // The server's last word before it hangs up answers the next call, whenever it comes: the session is lost.
            assertThatThrownBy(() -> client.step(new EchoAction("x")))
                    .isInstanceOf(SessionLostException.class).hasMessageContaining("Server shutting down")
                    .cause().isInstanceOfSatisfying(ServerErrorException.class, e -> {
                        assertThat(e.code()).isEqualTo(dev.openenv.core.protocol.ErrorCode.SESSION_ERROR);
                        assertThat(e.serverMessage()).isEqualTo("Server shutting down");
                    });
        }
    }

    @ParameterizedTest
    @EnumSource(value = ClientOptions.Transport.class, names = {"WEBSOCKET", "WEBSOCKET_JDK"})
    void idleSessionsAreClosedByTheServerWithSessionError(ClientOptions.Transport transport) throws Exception {
        server = servers.start(EchoEnvironment::new, ECHO, c -> c.withMaxConcurrentEnvs(1).withIdleTimeout(Duration.ofMillis(300)));
        try (var client = EnvClient.connect(server.baseUrl(), ECHO, webSocket(transport))) {
            client.reset();
            // The server sends its idle notice as it frees the slot: once the slot is free the notice is on its way.
            Await.until("the idle session reaped", () -> server.activeSessions() == 0);
            assertThatThrownBy(() -> client.step(new EchoAction("late")))
                    .isInstanceOf(SessionLostException.class)
                    .cause().isInstanceOfSatisfying(ServerErrorException.class, e -> {
                        assertThat(e.code()).isEqualTo(dev.openenv.core.protocol.ErrorCode.SESSION_ERROR);
                        assertThat(e.serverMessage()).contains("idle");
                    });
        }
        assertThat(server.activeSessions()).isZero();
    }

    @Test
    void manyConcurrentClientsKeepTheirOwnEpisodes() {
        server = servers.start(EchoEnvironment::new, ECHO, sessions(16));
        IntStream.range(0, 16).parallel().forEach(i -> {
            try (var client = EnvClient.connect(server.baseUrl(), ECHO)) {
                client.reset(ResetRequest.none().withEpisodeId("ep-" + i));
                for (int s = 0; s <= i; s++) {
                    client.step(new EchoAction("c" + i));
                }
                assertThat(client.state()).isEqualTo(new BasicState("ep-" + i, i + 1));
            }
        });
    }

    @ParameterizedTest
    @EnumSource(value = ClientOptions.Transport.class, names = {"WEBSOCKET", "WEBSOCKET_JDK"})
    void asyncCallbacksRunOffTheConnectionThreadSoBlockingInThemIsSafe(ClientOptions.Transport transport) throws Exception {
        server = servers.start(EchoEnvironment::new, ECHO, sessions(1));
        try (var client = EnvClient.connect(server.baseUrl(), ECHO, webSocket(transport))) {
            client.reset();
            var blockingCallback = client.stepAsync(new EchoAction("a")).thenApply(r -> {
                // A callback that itself waits on the same connection must not deadlock it.
                // Either the caller's thread (already complete) or a virtual callback thread; never the I/O thread.
                return client.step(new EchoAction("b")).observation().echoedMessage()
                        + (Thread.currentThread().getName().contains("SelectorManager")
                        || Thread.currentThread().getName().startsWith("openenv-client-read")
                        || Thread.currentThread().getName().startsWith("openenv-client-idle"));
            });
            assertThat(blockingCallback.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("bfalse");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ClientOptions.Transport.class, names = {"WEBSOCKET", "WEBSOCKET_JDK"})
    void anIdleClientStillAnswersPingsSoTheServerKeepsItsSession(ClientOptions.Transport transport) throws Exception {
        // The server drops a peer silent for two ping periods (400 ms here); nobody calls the client meanwhile.
        server = servers.start(EchoEnvironment::new, ECHO, c -> c.withMaxConcurrentEnvs(1).withPingInterval(Duration.ofMillis(200)));
        try (var client = EnvClient.connect(server.baseUrl(), ECHO, webSocket(transport))) {
            client.reset();
            Thread.sleep(1_500); // the idle period under test, not a wait for a condition
            assertThat(client.step(new EchoAction("still here")).observation().echoedMessage()).isEqualTo("still here");
            assertThat(server.activeSessions()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ClientOptions.Transport.class, names = {"WEBSOCKET", "WEBSOCKET_JDK"})
    void pipelinedAsyncStepsAreAnsweredInOrder(ClientOptions.Transport transport) {
        server = servers.start(EchoEnvironment::new, ECHO, sessions(1));
        try (var client = EnvClient.connect(server.baseUrl(), ECHO, webSocket(transport))) {
            client.reset();
            var replies = IntStream.range(0, 300).mapToObj(i -> client.stepAsync(new EchoAction("m" + i))).toList();
            for (int i = 0; i < replies.size(); i++) {
                assertThat(replies.get(i).join().observation().echoedMessage()).isEqualTo("m" + i);
            }
            assertThat(client.state().stepCount()).isEqualTo(300);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ClientOptions.Transport.class, names = {"WEBSOCKET", "WEBSOCKET_JDK"})
    void requestsInFlightAreBoundedAndThoseBeyondFailAtOnce(ClientOptions.Transport transport) {
        server = servers.start(FaultEnvironment::new, FAULT, sessions(1));
        try (var client = EnvClient.connect(server.baseUrl(), FAULT, webSocket(transport))) {
            client.reset();
            // The first step holds the session for longer than sending the rest can take on a loaded machine, so
            // no reply arrives before the bound is reached.
            var slow = client.stepAsync(new FaultAction(false, 5.0, "slow"));
            var queued = IntStream.range(0, 4095).mapToObj(i -> client.stepAsync(new FaultAction(false, 0, "q" + i))).toList();
            var beyond = client.stepAsync(new FaultAction(false, 0, "one too many"));
            // Failed without waiting for any reply (the JDK transport completes it on its own thread, a moment later).
            assertThat(beyond).failsWithin(Duration.ofSeconds(2)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(EnvClientException.class).withMessageContaining("More than 4096 requests in flight");
            assertThat(slow).as("no reply has come yet").isNotDone();
            assertThat(queued.get(4094).join().observation().message()).isEqualTo("q4094");
            assertThat(client.step(new FaultAction(false, 0, "after")).observation().message()).isEqualTo("after");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ClientOptions.Transport.class, names = {"WEBSOCKET", "WEBSOCKET_JDK"})
    void unreachableServersFailFastWithConnectException(ClientOptions.Transport transport) {
        assertThatThrownBy(() -> EnvClient.connect("http://127.0.0.1:1", ECHO, webSocket(transport).withConnectTimeout(Duration.ofSeconds(2))))
                .isInstanceOf(ConnectException.class).hasMessageContaining("127.0.0.1:1");
    }

    /** Options for the WebSocket session over {@code transport}. */
    static ClientOptions webSocket(ClientOptions.Transport transport) {
        return ClientOptions.defaults().withTransport(transport);
    }
}
