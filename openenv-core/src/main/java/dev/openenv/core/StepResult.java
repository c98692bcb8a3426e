package dev.openenv.core;

import java.util.Map;
import java.util.Objects;

/**
 * What {@code reset} and {@code step} produce: the observation plus the reward and done flag that the
 * protocol lifts out of it, and free-form metadata.
 *
 * @param observation the environment-specific observation record (never {@code null})
 * @param reward      reward for the last action, or {@code null} when there is none
 * @param done        whether the episode has ended
 * @param metadata    extra information; sent as a top-level {@code metadata} key only when non-empty
 */
public record StepResult<O>(O observation, Double reward, boolean done, Map<String, Object> metadata) {
    public StepResult {
        Objects.requireNonNull(observation, "observation");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** An observation with a reward, episode not done. */
    public static <O> StepResult<O> of(O observation, Double reward) {
        return new StepResult<>(observation, reward, false, Map.of());
    }

    /**
     * This result with {@code reward} in place of its own, e.g. a rubric's score:
     * {@code return result.withReward(rubric.score(action, result));}
     */
    public StepResult<O> withReward(Double reward) {
        return new StepResult<>(observation, reward, done, metadata);
    }

    /** An observation with a reward and a done flag. */
    public static <O> StepResult<O> of(O observation, Double reward, boolean done) {
        return new StepResult<>(observation, reward, done, Map.of());
    }
}
