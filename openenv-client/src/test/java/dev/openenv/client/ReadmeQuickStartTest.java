package dev.openenv.client;

import dev.openenv.core.Episode;
import dev.openenv.core.ResetRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.Action;
import dev.openenv.core.BasicState;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.StepResult;
import dev.openenv.server.EnvServer;
import dev.openenv.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's quick starts, kept compiling and working. */
@Timeout(30)
class ReadmeQuickStartTest {
    record Guess(int number) implements Action {}

    record Hint(String hint) {}

    static final class HighLow implements Environment<Guess, Hint, BasicState> {
        private final Episode episode = new Episode();
        private int secret;

        @Override
        public StepResult<Hint> reset(ResetRequest request) {
            episode.begin(request);
            secret = request.random().nextInt(100);
            return StepResult.of(new Hint("guess 0..99"), 0.0);
        }

        @Override
        public StepResult<Hint> step(Guess g) {
            episode.countStep();
            String hint = g.number() == secret ? "correct" : g.number() < secret ? "higher" : "lower";
            return StepResult.of(new Hint(hint), hint.equals("correct") ? 1.0 : 0.0, hint.equals("correct"));
        }

        @Override
        public BasicState state() {
            return episode.state();
        }
    }

    @Test
    void theHighLowExampleCanBeWonByBinarySearch() {
        try (var server = EnvServer.builder(HighLow::new)
                .config(ServerConfig.defaults().withHost("127.0.0.1").withPort(0)).start();
             var env = EnvClient.connect(server.baseUrl(),
                     EnvironmentType.of("high-low", Guess.class, Hint.class, BasicState.class))) {
            env.reset(42L);
            int low = 0;
            int high = 99;
            StepResult<Hint> r;
            do {
                int guess = (low + high) / 2;
                r = env.step(new Guess(guess));
                if (r.observation().hint().equals("higher")) {
                    low = guess + 1;
                } else if (r.observation().hint().equals("lower")) {
                    high = guess - 1;
                }
            } while (!r.done());
            assertThat(r.reward()).isEqualTo(1.0);
            assertThat(env.state().stepCount()).isBetween(1, 7);
        }
    }
}
