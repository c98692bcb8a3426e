package dev.openenv.core.rubric;

import dev.openenv.core.StepResult;
import java.util.ArrayList;
import java.util.List;

/**
 * A rubric that scores a whole episode rather than one step (the reference's {@code TrajectoryRubric}): it
 * records every {@code (action, step)} it is given, answers {@link #intermediateReward()} while the step is
 * not done, and {@link #scoreTrajectory} of everything recorded on the step that is. For outcomes known
 * only at the end: a game's win or loss, whether a plan worked.
 *
 * <p>{@link #computeStepRewards()} assigns the outcome back to the steps (credit assignment); training code
 * reads it after the episode. The trajectory lives until {@link #reset()}, which an environment calls from
 * its own {@code reset}; a very long episode holds every step in memory.
 *
 * @param <A> action type
 * @param <O> observation type; the rubric sees the whole {@link StepResult}, whose {@code done} flag ends the
 *            episode
 */
public abstract class TrajectoryRubric<A, O> extends Rubric<A, StepResult<O>> {
    /** One recorded step. */
    public record Step<A, O>(A action, StepResult<O> result) {}

    private final List<Step<A, O>> trajectory = new ArrayList<>();
    private final double intermediateReward;

    /** A trajectory rubric that answers {@code 0.0} until the episode is done. */
    protected TrajectoryRubric() {
        this(0.0);
    }

    protected TrajectoryRubric(double intermediateReward) {
        this.intermediateReward = intermediateReward;
    }

    @Override
    protected double forward(A action, StepResult<O> result) {
        trajectory.add(new Step<>(action, result));
        return result.done() ? scoreTrajectory(List.copyOf(trajectory)) : intermediateReward;
    }

    /** Scores the complete trajectory (typically 0 to 1); called on the step whose result is done. */
    protected abstract double scoreTrajectory(List<Step<A, O>> trajectory);

    /** One reward per recorded step, by this rubric's credit assignment; as long as {@link #trajectory()}. */
    public abstract List<Double> computeStepRewards();

    /** What a step that is not done scores. */
    public final double intermediateReward() {
        return intermediateReward;
    }

    /** The steps recorded since the last reset (a copy). */
    public final List<Step<A, O>> trajectory() {
        return List.copyOf(trajectory);
    }

    /** Forgets the trajectory. */
    @Override
    public void reset() {
        trajectory.clear();
        super.reset();
    }
}
