package highlow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.client.EnvClient;
import dev.openenv.core.BasicState;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.StepResult;
import dev.openenv.server.EnvServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class HighLowTest {
    private static final EnvironmentType<Guess, Hint, BasicState> HIGH_LOW =
            EnvironmentType.of("high-low", Guess.class, Hint.class, BasicState.class);

    @Test
    void aBinarySearchWinsAnEpisodeOnARealServer() {
        try (var server = EnvServer.builder(HighLow::new).config(c -> c.withHost("127.0.0.1").withPort(0)).start();
             var env = EnvClient.connect(server.baseUrl(), HIGH_LOW)) {
            assertThat(env.reset(42).observation().hint()).isEqualTo("guess 0..99");
            int low = 0, high = 99;
            StepResult<Hint> r;
            do {
                int guess = (low + high) / 2;
                r = env.step(new Guess(guess));
                if (r.observation().hint().equals("higher")) low = guess + 1;
                if (r.observation().hint().equals("lower")) high = guess - 1;
            } while (!r.done());
            assertThat(r.observation().hint()).isEqualTo("correct");
            assertThat(r.reward()).isEqualTo(1.0);
            assertThat(env.state().stepCount()).isBetween(1, 7);   // log2(100) rounded up
        }
    }
}
