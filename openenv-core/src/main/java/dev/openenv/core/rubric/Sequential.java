package dev.openenv.core.rubric;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs its rubrics in order and fails fast on zero: the first child that scores exactly {@code 0.0} stops
 * the run and the result is {@code 0.0}; otherwise the result is the last child's score, and {@code 1.0}
 * when there are no children. The pattern for hierarchical gates (compiles, then passes tests, then
 * style). Children are named {@code rubric_0}, {@code rubric_1}, … as in the reference.
 */
public final class Sequential<A, O> extends Rubric<A, O> {
    private final List<Rubric<? super A, ? super O>> rubrics;

    /** Runs {@code rubrics} in the order given. */
    @SafeVarargs
    public Sequential(Rubric<? super A, ? super O>... rubrics) {
        List<Rubric<? super A, ? super O>> list = new ArrayList<>(rubrics.length);
        for (Rubric<? super A, ? super O> rubric : rubrics) {   // read element by element: the array never escapes
            list.add(rubric);
        }
        this.rubrics = List.copyOf(list);
        registerChildren();
    }

    /** Runs {@code rubrics} in list order. */
    public Sequential(List<? extends Rubric<? super A, ? super O>> rubrics) {
        this.rubrics = List.copyOf(rubrics);
        registerChildren();
    }

    private void registerChildren() {
        for (int i = 0; i < rubrics.size(); i++) {
            register("rubric_" + i, rubrics.get(i));
        }
    }

    @Override
    protected double forward(A action, O observation) {
        double result = 1.0;
        for (Rubric<? super A, ? super O> rubric : rubrics) {
            double score = rubric.score(action, observation);
            if (score == 0.0) {
                return 0.0;
            }
            result = score;
        }
        return result;
    }

    public int size() {
        return rubrics.size();
    }

    public Rubric<? super A, ? super O> get(int index) {
        return rubrics.get(index);
    }
}
