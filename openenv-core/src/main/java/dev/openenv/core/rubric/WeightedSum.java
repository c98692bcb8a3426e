package dev.openenv.core.rubric;

import java.util.List;

/**
 * A weighted combination: the sum of each child's score times its weight. Every child is evaluated, in
 * order. The weights are validated, not normalised, as in the reference: there must be one per rubric and
 * they must sum to {@code 1.0} within {@code 1e-6}. Children are named {@code rubric_0}, {@code rubric_1}, ….
 * (The reference awaits asynchronous children in parallel; here children run one after another on the
 * calling thread.)
 */
public final class WeightedSum<A, O> extends Rubric<A, O> {
    private final List<Rubric<? super A, ? super O>> rubrics;
    private final double[] weights;

    /**
     * @throws IllegalArgumentException if the counts differ or the weights do not sum to 1.0
     */
    public WeightedSum(List<? extends Rubric<? super A, ? super O>> rubrics, List<Double> weights) {
        if (rubrics.size() != weights.size()) {
            throw new IllegalArgumentException("Number of rubrics (" + rubrics.size()
                    + ") must match number of weights (" + weights.size() + ")");
        }
        double sum = 0.0;
        for (double w : weights) {
            sum += w;
        }
        if (!(Math.abs(sum - 1.0) <= 1e-6)) {
            throw new IllegalArgumentException("Weights must sum to 1.0, got " + sum);
        }
        this.rubrics = List.copyOf(rubrics);
        this.weights = weights.stream().mapToDouble(Double::doubleValue).toArray();
        for (int i = 0; i < this.rubrics.size(); i++) {
            register("rubric_" + i, this.rubrics.get(i));
        }
    }

    @Override
    protected double forward(A action, O observation) {
        double total = 0.0;
        for (int i = 0; i < rubrics.size(); i++) {
            total += rubrics.get(i).score(action, observation) * weights[i];
        }
        return total;
    }

    /** The weights, in child order (a copy). */
    public List<Double> weights() {
        return java.util.Arrays.stream(weights).boxed().toList();
    }
}
