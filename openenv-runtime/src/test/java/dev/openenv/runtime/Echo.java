package dev.openenv.runtime;

import dev.openenv.core.ResetRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.client.EnvClient;
import dev.openenv.core.BasicState;
import dev.openenv.core.EnvironmentType;
import dev.openenv.envs.echo.EchoAction;
import dev.openenv.envs.echo.EchoObservation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The echo environment's wire types and one episode of it, as every provider test plays it. */
final class Echo {
    static final EnvironmentType<EchoAction, EchoObservation, BasicState> TYPE =
            EnvironmentType.of("echo", EchoAction.class, EchoObservation.class, BasicState.class);

    private Echo() {}

    /** Reset and three steps: each message comes back with its length, reward 0.1 per character. */
    static void playEpisode(EnvClient<EchoAction, EchoObservation, BasicState> env) {
        var reset = env.reset(ResetRequest.seeded(7).withEpisodeId("episode-1"));
        assertThat(reset.observation()).isEqualTo(new EchoObservation("Echo environment ready!", 0));
        assertThat(reset.done()).isFalse();
        String[] messages = {"Hello", "provider", "héllo wörld"};
        for (String message : messages) {
            var step = env.step(new EchoAction(message));
            int length = message.codePointCount(0, message.length());
            assertThat(step.observation().echoedMessage()).isEqualTo(message);
            assertThat(step.observation().messageLength()).isEqualTo(length);
            assertThat(step.reward()).isCloseTo(0.1 * length, org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(env.state()).isEqualTo(new BasicState("episode-1", messages.length));
    }

    /** The shaded {@code openenv} CLI jar the build made (openenv-cli/target/openenv.jar). */
    static Path cliJar() {
        String configured = System.getProperty("openenv.cliJar", "../openenv-cli/target/openenv.jar");
        Path jar = Path.of(configured).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("missing " + jar + ": build it first (./mvnw -pl openenv-cli -am package -DskipTests)");
        }
        return jar;
    }

    /** Records a cold-start time where the build output keeps it (target/surefire-reports/*-output.txt). */
    static void report(String provider, StartedEnv started) {
        System.out.printf("cold start %s: %d ms (start() until the first reset was answered)%n",
                provider, started.startupTime().toMillis());
    }
}
