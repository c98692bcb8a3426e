package dev.openenv.envs.wordle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.openenv.envs.wordle.WordleEnvironment.Guess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reward's parts, read through the environment's rubric as training code would. */
@Timeout(30)
class WordleRubricTest {
    final WordleEnvironment env = new WordleEnvironment();

    @Test
    void refusedGuessesAreTheirOwnComponentAndTheSolvedGameIsDiscountedOverTheAcceptedOnes() {
        env.reset(11L);
        var rubric = (WordleRubric) env.rubric().orElseThrow();
        String answer = env.step(new Guess("zzzzz")).observation().answer();
        assertThat(answer).isNull();
        assertThat(rubric.componentScores()).containsExactly(java.util.Map.entry("valid_guess", 0.0));

        String other = WordleEnvironment.words().stream().filter(w -> !w.equals(hidden(11L))).findFirst().orElseThrow();
        env.reset(11L);
        assertThat(env.step(new Guess(other)).reward()).isZero();
        assertThat(env.step(new Guess("abc")).reward()).isEqualTo(-0.1);
        var solved = env.step(new Guess(" " + hidden(11L).toUpperCase(java.util.Locale.ROOT) + " "));
        assertThat(solved.reward()).isCloseTo(1.4, within(1e-9));
        assertThat(rubric.componentScores()).containsEntry("valid_guess", 1.0).containsEntry("outcome", solved.reward());
        assertThat(rubric.outcome().computeStepRewards()).containsExactly(solved.reward() * 0.99, solved.reward());
        assertThat(env.step(new Guess(other)).reward()).isZero();
    }

    /** The word seed {@code seed} hides, learned by losing a game. */
    private String hidden(long seed) {
        var probe = new WordleEnvironment();
        probe.reset(seed);
        String answer = null;
        for (String w : WordleEnvironment.words()) {
            answer = probe.step(new Guess(w)).observation().answer();
            if (answer != null) {
                return answer;
            }
        }
        throw new AssertionError("never ended");
    }
}
