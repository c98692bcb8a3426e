package dev.openenv.interop;

import dev.openenv.core.ResetRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.client.CapacityReachedException;
import dev.openenv.client.ClientOptions;
import dev.openenv.client.EnvClient;
import dev.openenv.client.GenericEnvClient;
import dev.openenv.client.ServerErrorException;
import dev.openenv.client.SessionLostException;
import dev.openenv.core.BasicState;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.StepResult;
import dev.openenv.envs.echo.EchoAction;
import dev.openenv.envs.echo.EchoObservation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our Java clients against an echo server built with the upstream Python library. */
@Timeout(120)
class JavaClientAgainstPythonServerIT {
    static final EnvironmentType<EchoAction, EchoObservation, BasicState> ECHO =
            EnvironmentType.of("echo", EchoAction.class, EchoObservation.class, BasicState.class);
    static PythonServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = PythonServer.start(Map.of("MAX_CONCURRENT_ENVS", "3"));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void typedClientPlaysAnEpisodeOverWebSocket() {
        try (var client = EnvClient.connect(server.baseUrl, ECHO)) {
            StepResult<EchoObservation> reset = client.reset(ResetRequest.seeded(42).withEpisodeId("episode-7"));
            assertThat(reset.observation().messageLength()).isZero();
            assertThat(reset.reward()).isEqualTo(0.0);
            assertThat(client.state().episodeId()).isEqualTo("episode-7");

            StepResult<EchoObservation> step = client.step(new EchoAction("Hello"));
            assertThat(step.observation()).isEqualTo(new EchoObservation("Hello", 5));
            assertThat(step.reward()).isEqualTo(0.5);
            assertThat(step.done()).isFalse();
            client.step(new EchoAction("🚀"));
            assertThat(client.state().stepCount()).isEqualTo(2);

            client.reset();
            assertThat(client.state().stepCount()).isZero();
            assertThat(client.state().episodeId()).isNotEqualTo("episode-7");
        }
    }

    @Test
    void genericClientSendsMapsAndReadsMaps() {
        try (var client = GenericEnvClient.connect(server.baseUrl.replace("http://", "ws://"))) {
            client.reset(Map.of("seed", 1));
            var result = client.step(Map.of("message", "abc"));
            assertThat(result.observation()).containsEntry("echoed_message", "abc").containsEntry("message_length", 3);
            assertThat(result.reward()).isEqualTo(0.30000000000000004);
            assertThat(client.state()).containsEntry("step_count", 1).containsKey("episode_id");
        }
    }

    @Test
    void asyncCallsArePipelinedAndAnsweredInOrder() {
        try (var client = EnvClient.connect(server.baseUrl, ECHO)) {
            client.reset();
            List<CompletableFuture<StepResult<EchoObservation>>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                futures.add(client.stepAsync(new EchoAction("m" + i)));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(futures.get(i).join().observation().echoedMessage()).isEqualTo("m" + i);
            }
            assertThat(client.stateAsync().join().stepCount()).isEqualTo(20);
        }
    }

    @Test
    void httpTransportWorksAgainstTheStatelessReferenceRoutes() {
        try (var client = EnvClient.connect(server.baseUrl, ECHO, ClientOptions.defaults().withTransport(ClientOptions.Transport.HTTP))) {
            assertThat(client.reset().observation().messageLength()).isZero();
            var step = client.step(new EchoAction("Hello"));
            assertThat(step.observation().echoedMessage()).isEqualTo("Hello");
            assertThat(step.reward()).isEqualTo(0.5);
            // The reference builds a fresh environment per HTTP request, so its state never moves.
            assertThat(client.state().stepCount()).isZero();
        }
    }

    @Test
    void serverErrorsArriveAsExceptionsWithTheirCodes() {
        try (var client = GenericEnvClient.connect(server.baseUrl)) {
            client.reset();
            assertThatThrownBy(() -> client.step(Map.of("message", 1)))
                    .isInstanceOfSatisfying(ServerErrorException.class, e -> {
                        assertThat(e.code()).isEqualTo(dev.openenv.core.protocol.ErrorCode.VALIDATION_ERROR);
                        assertThat(e.details()).containsKey("errors");
                    });
            assertThatThrownBy(() -> client.step(Map.of("message", "raise")))
                    .isInstanceOfSatisfying(ServerErrorException.class, e -> {
                        assertThat(e.code()).isEqualTo(dev.openenv.core.protocol.ErrorCode.EXECUTION_ERROR);
                        assertThat(e.serverMessage()).contains("echo asked to raise");
                    });
            // The session survives both errors.
            assertThat(client.step(Map.of("message", "ok")).observation()).containsEntry("echoed_message", "ok");
        }
    }

    @Test
    void concurrentSessionsStayIsolatedAndCapacityIsReported() {
        try (var a = EnvClient.connect(server.baseUrl, ECHO);
             var b = EnvClient.connect(server.baseUrl, ECHO);
             var c = EnvClient.connect(server.baseUrl, ECHO)) {
            a.reset();
            b.reset();
            c.reset();
            a.step(new EchoAction("a"));
            a.step(new EchoAction("a"));
            b.step(new EchoAction("b"));
            assertThat(a.state().stepCount()).isEqualTo(2);
            assertThat(b.state().stepCount()).isEqualTo(1);
            assertThat(c.state().stepCount()).isZero();
            try (var d = EnvClient.connect(server.baseUrl, ECHO)) {
                assertThatThrownBy(d::reset).isInstanceOfSatisfying(CapacityReachedException.class, e -> {
                    assertThat(e.maxSessions()).isEqualTo(3);
                    assertThat(e.activeSessions()).isEqualTo(3);
                });
            }
        }
    }

    @Test
    void killingTheServerMidEpisodeEndsTheSessionClearly() throws Exception {
        try (var own = PythonServer.start(Map.of("MAX_CONCURRENT_ENVS", "1"));
             var client = EnvClient.connect(own.baseUrl, ECHO)) {
            client.reset();
            client.step(new EchoAction("before"));
            own.kill();
            assertThatThrownBy(() -> client.step(new EchoAction("after"))).isInstanceOf(SessionLostException.class);
            assertThatThrownBy(client::state).isInstanceOf(SessionLostException.class);
        }
    }
}
