package dev.openenv.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.openenv.client.EnvClient;
import dev.openenv.client.SessionLostException;
import dev.openenv.envs.echo.EchoAction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Against a real engine (podman's Docker API in CI), with an image built here from a local base. */
@Timeout(300)
class ContainerProviderTest {
    static DockerClient docker;
    static String image;

    @BeforeAll
    static void engineAndImage() throws Exception {
        docker = ContainerEngine.connect();
        image = ContainerEngine.buildEchoImage(docker);
    }

    @AfterAll
    static void closeEngine() throws Exception {
        if (docker != null) {
            // Nothing a test started may be left, whatever happened in it.
            ours().forEach(c -> docker.removeContainerCmd(c.getId()).withForce(true).exec());
            docker.close();
        }
    }

    /** Containers of this module's providers, running or not. */
    static List<Container> ours() {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(ContainerProvider.LABEL, "true")).exec();
    }

    @Test
    void theEchoImagePlaysAnEpisodeAndItsContainerIsRemovedWithTheClient() throws InterruptedException {
        int before = ours().size();
        var lines = new CopyOnWriteArrayList<String>();
        var provider = ContainerProvider.builder(image).env("MAX_CONCURRENT_ENVS", "3").logConsumer(lines::add).build();
        StartedEnv started = provider.start();
        try {
            Echo.report("container (podman Docker API, jlink JRE image)", started);
            assertThat(ours()).hasSize(before + 1);
            try (var env = EnvClient.connect(started.baseUrl(), Echo.TYPE)) {
                Echo.playEpisode(env);
            }
            // The log is followed asynchronously: give the stream a moment to deliver what was printed.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (lines.stream().noneMatch(l -> l.contains("serving 'echo'")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(lines).anyMatch(l -> l.contains("serving 'echo' on http://127.0.0.1:8000") && l.contains("max 3 sessions"));
            assertThat(started.logs()).contains("serving 'echo'");
        } finally {
            started.close();
        }
        assertThat(started.isRunning()).isFalse();
        assertThat(ours()).hasSize(before);
    }

    @Test
    void killingTheContainerMidEpisodeLosesTheSessionAndCloseRemovesIt() {
        int before = ours().size();
        var env = EnvClient.start(ContainerProvider.builder(image).docker(docker).build(), Echo.TYPE);
        try {
            env.reset();
            assertThat(env.step(new EchoAction("before")).observation().echoedMessage()).isEqualTo("before");
            var container = ours().stream().filter(c -> "running".equals(c.getState())).findFirst().orElseThrow();
            docker.killContainerCmd(container.getId()).exec();
            assertThatThrownBy(() -> env.step(new EchoAction("after"))).isInstanceOf(SessionLostException.class);
        } finally {
            env.close();
        }
        assertThat(ours()).hasSize(before);
    }

    @Test
    void aContainerThatExitsFailsAtOnceWithItsLogAndIsRemoved() {
        int before = ours().size();
        var provider = ContainerProvider.builder(image).docker(docker).command("no-such-env").startupTimeout(Duration.ofSeconds(60)).build();
        long t0 = System.nanoTime();
        assertThatThrownBy(provider::start).isInstanceOfSatisfying(ProviderStartException.class, e -> {
            assertThat(e.getMessage()).contains("container exited with code 2 before it was ready");
            assertThat(e.logs()).contains("unknown environment 'no-such-env'");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        assertThat(ours()).hasSize(before);
    }

    @Test
    void aMissingImageThatCannotBePulledIsAClearError() {
        var provider = ContainerProvider.builder("localhost/openenv-no-such-image:0").docker(docker).build();
        assertThatThrownBy(provider::start).isInstanceOf(ProviderStartException.class)
                .hasMessageContaining("localhost/openenv-no-such-image:0 is not present and could not be pulled");
    }

    @Test
    void noEngineIsAClearError() throws Exception {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost("unix:///nonexistent/engine.sock").build();
        try (var nowhere = DockerClientImpl.getInstance(config,
                new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build())) {
            var provider = ContainerProvider.builder(image).docker(nowhere).build();
            assertThatThrownBy(provider::start).isInstanceOf(ProviderStartException.class)
                    .hasMessageContaining("no container engine reachable");
        }
    }
}
