package dev.openenv.runtime;

import dev.openenv.core.ResetRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.client.ConnectException;
import dev.openenv.client.EnvClient;
import dev.openenv.client.GenericEnvClient;
import dev.openenv.core.BasicState;
import dev.openenv.core.Environment;
import dev.openenv.core.StepResult;
import dev.openenv.envs.echo.EchoEnvironment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class InProcessAndRemoteProviderTest {
    @Test
    void inProcessServerPlaysAnEpisodeAndStopsWithItsClient() {
        var provider = InProcessProvider.of(EchoEnvironment::new).withType(Echo.TYPE);
        StartedEnv started = provider.start();
        Echo.report("in-process", started);
        try (var env = EnvClient.connect(started.baseUrl(), Echo.TYPE)) {
            Echo.playEpisode(env);
        } finally {
            started.close();
        }
        assertThat(started.isRunning()).isFalse();
        assertThatThrownBy(() -> GenericEnvClient.connect(started.baseUrl())).isInstanceOf(ConnectException.class);
    }

    @Test
    void startIsOneLineAndTheServerEndsWithTheClient() {
        String url;
        try (var env = EnvClient.start(InProcessProvider.of(EchoEnvironment::new), Echo.TYPE)) {
            Echo.playEpisode(env);
            url = env.baseUri().toString();
            assertThat(url).startsWith("http://127.0.0.1:");
        }
        assertThatThrownBy(() -> GenericEnvClient.connect(url)).isInstanceOf(ConnectException.class);
    }

    /** An environment whose reset fails until it has been built a few times: /health is up long before. */
    static final class SlowToWarmUp implements Environment<dev.openenv.envs.echo.EchoAction, dev.openenv.envs.echo.EchoObservation, BasicState> {
        static final java.util.concurrent.atomic.AtomicInteger BUILT = new java.util.concurrent.atomic.AtomicInteger();
        private final int number = BUILT.incrementAndGet();

        public StepResult<dev.openenv.envs.echo.EchoObservation> reset(ResetRequest request) {
            if (number < 4) {
                throw new IllegalStateException("still warming up");
            }
            return StepResult.of(new dev.openenv.envs.echo.EchoObservation("ready", 0), 0.0);
        }

        public StepResult<dev.openenv.envs.echo.EchoObservation> step(dev.openenv.envs.echo.EchoAction action) {
            return StepResult.of(new dev.openenv.envs.echo.EchoObservation(action.message(), 1), 0.0);
        }

        public BasicState state() {
            return new BasicState("e", 0);
        }
    }

    @Test
    void readyMeansAResetWasAnsweredNotOnlyThatHealthAnswers() {
        SlowToWarmUp.BUILT.set(0);
        try (var started = InProcessProvider.of(SlowToWarmUp::new).withType(Echo.TYPE).start()) {
            // Sessions 1-3 had their reset refused; the wait went on until one was answered.
            assertThat(SlowToWarmUp.BUILT.get()).isGreaterThanOrEqualTo(4);
            try (var env = GenericEnvClient.connect(started.baseUrl())) {
                assertThat(env.reset().observation()).containsEntry("echoed_message", "ready");
            }
        }
    }

    @Test
    void aServerThatNeverBecomesReadyFailsWithTheLastProblemAndIsStopped() {
        SlowToWarmUp.BUILT.set(-1000);
        var provider = InProcessProvider.of(SlowToWarmUp::new).withType(Echo.TYPE)
                .withStartup(StartupOptions.defaults().withTimeout(Duration.ofSeconds(4)));
        assertThatThrownBy(provider::start).isInstanceOf(ProviderStartException.class)
                .hasMessageContaining("not ready within 4000 ms")
                .hasMessageContaining("still warming up");
    }

    @Test
    void theSessionSlotOfTheReadyCheckIsFreeBeforeTheClientConnects() {
        // One session at a time: the ready check's session must be over when the client's begins.
        var provider = InProcessProvider.of(EchoEnvironment::new).withType(Echo.TYPE).withConfig(c -> c.withMaxConcurrentEnvs(1));
        for (int i = 0; i < 5; i++) {
            try (var env = EnvClient.start(provider, Echo.TYPE)) {
                assertThat(env.reset().observation().echoedMessage()).isEqualTo("Echo environment ready!");
            }
        }
    }

    @Test
    void remoteProviderWaitsForARunningServerAndLeavesItRunning() {
        try (var server = InProcessProvider.of(EchoEnvironment::new).withType(Echo.TYPE).withConfig(c -> c.withMaxConcurrentEnvs(2)).start()) {
            var remote = RemoteProvider.of(server.baseUrl().replace("http://", "ws://"));
            assertThat(remote.baseUrl()).isEqualTo(server.baseUrl());
            try (var env = EnvClient.start(remote, Echo.TYPE)) {
                Echo.playEpisode(env);
            }
            try (var again = EnvClient.connect(server.baseUrl(), Echo.TYPE)) {
                assertThat(again.reset().observation().echoedMessage()).isEqualTo("Echo environment ready!");
            }
        }
    }

    @Test
    void remoteProviderRefusesCleartextBeyondLoopbackUnlessAllowed() {
        assertThatThrownBy(() -> RemoteProvider.of("http://example.com:8000")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refusing cleartext");
        assertThatThrownBy(() -> RemoteProvider.of("ws://10.0.0.5:8000")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RemoteProvider.of("http://localhost.example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThat(RemoteProvider.of("http://127.0.0.2:1").baseUrl()).isEqualTo("http://127.0.0.2:1");
        assertThat(RemoteProvider.of("http://[::1]:8000/").baseUrl()).isEqualTo("http://[::1]:8000");
        assertThat(RemoteProvider.of("wss://openenv-echo.hf.space/").baseUrl()).isEqualTo("https://openenv-echo.hf.space");
        assertThat(new RemoteProvider("http://example.com:8000", true, null).baseUrl()).isEqualTo("http://example.com:8000");
        assertThatThrownBy(() -> RemoteProvider.of("ftp://example.com")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void remoteProviderGivesUpOnAServerThatIsNotThere() {
        var remote = RemoteProvider.of("http://127.0.0.1:" + dev.openenv.runtime.internal.FreePorts.pick())
                .withStartup(StartupOptions.defaults().withTimeout(Duration.ofMillis(500)));
        assertThatThrownBy(remote::start).isInstanceOf(ProviderStartException.class).hasMessageContaining("not ready within 500 ms");
    }
}
