package dev.openenv.core.rubric;

import java.util.Objects;

/**
 * A threshold: the child's score when it is at least {@code threshold}, else {@code 0.0} (a hard
 * constraint such as "must pass half the tests"). The default threshold is {@code 1.0}. The child is
 * named {@code rubric}, as in the reference.
 */
public final class Gate<A, O> extends Rubric<A, O> {
    private final Rubric<? super A, ? super O> rubric;
    private final double threshold;

    /** A gate that passes only a full score of {@code 1.0} (or more). */
    public Gate(Rubric<? super A, ? super O> rubric) {
        this(rubric, 1.0);
    }

    public Gate(Rubric<? super A, ? super O> rubric, double threshold) {
        this.rubric = register("rubric", Objects.requireNonNull(rubric, "rubric"));
        this.threshold = threshold;
    }

    @Override
    protected double forward(A action, O observation) {
        double score = rubric.score(action, observation);
        return score < threshold ? 0.0 : score;
    }

    public double threshold() {
        return threshold;
    }
}
