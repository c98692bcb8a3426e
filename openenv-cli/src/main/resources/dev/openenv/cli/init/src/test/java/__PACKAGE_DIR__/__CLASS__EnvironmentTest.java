package __PACKAGE__;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.client.EnvClient;
import dev.openenv.server.EnvServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Plays episodes against a real server on a free port, as an agent would. */
@Timeout(30)
class __CLASS__EnvironmentTest {

    @Test
    void binarySearchFindsTheNumberAndEndsTheEpisodeWithRewardOne() {
        try (var server = EnvServer.builder(__CLASS__Environment::new).config(c -> c.withHost("127.0.0.1").withPort(0)).start();
             var env = EnvClient.connect(server.baseUrl(), __CLASS__Environment.TYPE)) {
            var result = env.reset(42);
            assertThat(result.observation().guessesLeft()).isEqualTo(__CLASS__Environment.GUESSES);
            int low = 0;
            int high = 99;
            while (!result.done()) {
                int guess = (low + high) / 2;
                result = env.step(new __CLASS__Action(guess));
                switch (result.observation().hint()) {
                    case "higher" -> low = guess + 1;
                    case "lower" -> high = guess - 1;
                    default -> assertThat(result.observation().hint()).isEqualTo("correct");
                }
            }
            assertThat(result.reward()).isEqualTo(1.0);
            assertThat(env.state().solved()).isTrue();
            assertThat(env.state().stepCount()).isBetween(1, __CLASS__Environment.GUESSES);
        }
    }

    @Test
    void theSameSeedHidesTheSameNumber() {
        var a = new __CLASS__Environment();
        var b = new __CLASS__Environment();
        a.reset(7);
        b.reset(7);
        for (int guess = 0; guess < 7; guess++) {
            assertThat(a.step(new __CLASS__Action(guess)).observation().hint())
                    .isEqualTo(b.step(new __CLASS__Action(guess)).observation().hint());
        }
    }
}
