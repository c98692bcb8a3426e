package dev.openenv.core.rubric;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * A {@link TrajectoryRubric} whose credit assignment discounts the final score exponentially, as the
 * reference computes it: with {@code T} recorded steps and final score {@code R},
 * {@code stepRewards[t] = R * gamma^(T-1-t)}. The last step gets {@code R}; with {@code gamma = 1} every
 * step does, with {@code gamma = 0} only the last. Subclass it and implement {@link #scoreTrajectory}, or
 * make one from a lambda with {@link #of}.
 */
public abstract class ExponentialDiscountingTrajectoryRubric<A, O> extends TrajectoryRubric<A, O> {
    private final double gamma;

    /** {@code gamma = 0.99} and intermediate reward {@code 0.0}, the reference's defaults. */
    protected ExponentialDiscountingTrajectoryRubric() {
        this(0.99, 0.0);
    }

    /**
     * @throws IllegalArgumentException if {@code gamma} is not in [0, 1]
     */
    protected ExponentialDiscountingTrajectoryRubric(double gamma, double intermediateReward) {
        super(intermediateReward);
        if (!(gamma >= 0.0 && gamma <= 1.0)) {
            throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
        }
        this.gamma = gamma;
    }

    /** A discounting trajectory rubric that scores a finished trajectory with {@code scorer}. */
    public static <A, O> ExponentialDiscountingTrajectoryRubric<A, O> of(
            double gamma, double intermediateReward, ToDoubleFunction<List<Step<A, O>>> scorer) {
        Objects.requireNonNull(scorer, "scorer");
        return new ExponentialDiscountingTrajectoryRubric<>(gamma, intermediateReward) {
            @Override
            protected double scoreTrajectory(List<Step<A, O>> trajectory) {
                return scorer.applyAsDouble(trajectory);
            }
        };
    }

    public final double gamma() {
        return gamma;
    }

    /** {@code R * gamma^(T-1-t)} for each recorded step {@code t}; empty before any step. */
    @Override
    public final List<Double> computeStepRewards() {
        List<Step<A, O>> trajectory = trajectory();
        if (trajectory.isEmpty()) {
            return List.of();
        }
        double finalScore = scoreTrajectory(trajectory);
        int steps = trajectory.size();
        List<Double> rewards = new ArrayList<>(steps);
        for (int t = 0; t < steps; t++) {
            rewards.add(finalScore * Math.pow(gamma, steps - 1 - t));
        }
        return List.copyOf(rewards);
    }
}
