package dev.openenv.envs.wordle;

import dev.openenv.core.StepResult;
import dev.openenv.core.rubric.ExponentialDiscountingTrajectoryRubric;
import dev.openenv.core.rubric.Rubric;
import dev.openenv.envs.wordle.WordleEnvironment.Feedback;
import dev.openenv.envs.wordle.WordleEnvironment.Guess;
import java.util.Locale;

/**
 * Wordle's reward as a rubric: {@code -0.1} for a refused guess (costs no try), otherwise, once the game is
 * over, {@code 1.0} plus {@code 0.1} per unused try for solving it and {@code 0} for running out, and
 * {@code 0} before; a guess after the end scores {@code 0}. Parts, by path:
 * <ul>
 *   <li>{@code valid_guess}: 1 when the guess was accepted (it is now the last word in the history), 0
 *       when refused;</li>
 *   <li>{@code outcome}: a trajectory rubric over the accepted guesses that scores the finished game and
 *       discounts it back to each guess with {@code gamma = 0.99} ({@code computeStepRewards()}).</li>
 * </ul>
 */
public final class WordleRubric extends Rubric<Guess, StepResult<Feedback>> {
    /** What a refused guess costs. */
    public static final double INVALID_GUESS = -0.1;

    // Refused guesses are never in the word list, so only an accepted one can be the history's last word.
    private final Rubric<Guess, StepResult<Feedback>> validGuess = register("valid_guess", Rubric.of((guess, step) -> {
        var history = step.observation().history();
        String word = guess.guess() == null ? "" : guess.guess().strip().toLowerCase(Locale.ROOT);
        return !history.isEmpty() && history.getLast().guess().equals(word) ? 1.0 : 0.0;
    }));
    private final ExponentialDiscountingTrajectoryRubric<Guess, Feedback> outcome = register("outcome",
            ExponentialDiscountingTrajectoryRubric.<Guess, Feedback>of(0.99, 0.0, trajectory -> {
                Feedback end = trajectory.getLast().result().observation();
                boolean solved = !end.history().isEmpty() && end.history().getLast().guess().equals(end.answer());
                return solved ? 1.0 + 0.1 * end.triesLeft() : 0.0;
            }));

    /** A fresh rubric, as the environment makes one per instance. */
    public WordleRubric() {}

    @Override
    protected double forward(Guess guess, StepResult<Feedback> step) {
        var played = outcome.trajectory();
        if (!played.isEmpty() && played.getLast().result().done()) {
            return 0.0;   // the game ended on an earlier guess
        }
        if (validGuess.score(guess, step) == 0.0) {
            return INVALID_GUESS;
        }
        return outcome.score(guess, step);
    }

    /** The outcome part, for its discounted per-guess rewards. */
    public ExponentialDiscountingTrajectoryRubric<Guess, Feedback> outcome() {
        return outcome;
    }
}
