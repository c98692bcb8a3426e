package dev.openenv.envs.coding;

import dev.openenv.core.StepResult;
import dev.openenv.core.rubric.Rubric;
import dev.openenv.envs.coding.CodingEnvironment.CodeAction;
import dev.openenv.envs.coding.CodingEnvironment.CodeObservation;

/**
 * The coding environment's reward as a rubric: {@code -1.0} when a limit (time, memory, a signal) stopped
 * the code, else {@code 1.0} when it exited 0 and {@code 0.0} when it failed. Parts, by path (both are
 * evaluated on every step):
 * <ul>
 *   <li>{@code within_limits}: 1 unless the run timed out or ended by a signal (exit code 128 or more);</li>
 *   <li>{@code exits_cleanly}: 1 when the exit code is 0.</li>
 * </ul>
 */
public final class CodingRubric extends Rubric<CodeAction, StepResult<CodeObservation>> {
    /** What code that a limit stopped scores. */
    public static final double LIMIT_HIT = -1.0;

    private final Rubric<CodeAction, StepResult<CodeObservation>> withinLimits = register("within_limits",
            Rubric.of((action, step) -> step.observation().timedOut() || step.observation().exitCode() >= 128 ? 0.0 : 1.0));
    private final Rubric<CodeAction, StepResult<CodeObservation>> exitsCleanly = register("exits_cleanly",
            Rubric.of((action, step) -> step.observation().exitCode() == 0 ? 1.0 : 0.0));

    /** A fresh rubric, as the environment makes one per instance. */
    public CodingRubric() {}

    @Override
    protected double forward(CodeAction action, StepResult<CodeObservation> step) {
        double limits = withinLimits.score(action, step);
        double clean = exitsCleanly.score(action, step);
        return limits == 0.0 ? LIMIT_HIT : clean;
    }
}
