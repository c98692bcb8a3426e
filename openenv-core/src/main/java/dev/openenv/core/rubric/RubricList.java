package dev.openenv.core.rubric;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * An indexed holder of rubrics with no aggregation of its own (the reference's {@code RubricList}, after
 * PyTorch's {@code ModuleList}): a parent rubric registers it and picks or combines its members in its own
 * {@code forward}. Members are named {@code rubric_0}, {@code rubric_1}, …; {@link #score} on the list
 * itself throws.
 */
public final class RubricList<A, O> extends Rubric<A, O> implements Iterable<Rubric<A, O>> {
    private final List<Rubric<A, O>> rubrics = new ArrayList<>();

    public RubricList() {}

    public RubricList(List<? extends Rubric<A, O>> rubrics) {
        addAll(rubrics);
    }

    /** Always throws: a list does not aggregate. */
    @Override
    protected double forward(A action, O observation) {
        throw new UnsupportedOperationException(
                "RubricList.forward() is not implemented. Use RubricList within a parent rubric that defines aggregation.");
    }

    /** Appends a rubric (the reference's {@code append}). */
    public void add(Rubric<A, O> rubric) {
        register("rubric_" + rubrics.size(), rubric);
        rubrics.add(rubric);
    }

    /** Appends several (the reference's {@code extend}). */
    public void addAll(List<? extends Rubric<A, O>> more) {
        more.forEach(this::add);
    }

    public Rubric<A, O> get(int index) {
        return rubrics.get(index);
    }

    public int size() {
        return rubrics.size();
    }

    @Override
    public Iterator<Rubric<A, O>> iterator() {
        return Collections.unmodifiableList(rubrics).iterator();
    }
}
