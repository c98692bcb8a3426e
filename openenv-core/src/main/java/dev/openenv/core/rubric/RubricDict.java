package dev.openenv.core.rubric;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Rubrics by key with no aggregation of its own (the reference's {@code RubricDict}, after PyTorch's
 * {@code ModuleDict}): for multi-task environments whose parent rubric picks the member for the task at
 * hand, e.g. {@code games.get(step.observation().game()).score(action, step)}. Each member is a child under
 * its key, so its path is {@code <parent's name>.<key>}; {@link #score} on the dict itself throws.
 */
public final class RubricDict<A, O> extends Rubric<A, O> {
    private final Map<String, Rubric<A, O>> rubrics = new LinkedHashMap<>();

    public RubricDict() {}

    public RubricDict(Map<String, ? extends Rubric<A, O>> rubrics) {
        putAll(rubrics);
    }

    /** Always throws: a dict does not aggregate. */
    @Override
    protected double forward(A action, O observation) {
        throw new UnsupportedOperationException(
                "RubricDict.forward() is not implemented. Use RubricDict within a parent rubric that defines aggregation.");
    }

    /**
     * Adds or replaces the rubric under {@code key}; a replaced key keeps its position.
     *
     * @throws IllegalArgumentException if the key is empty or contains a dot
     */
    public void put(String key, Rubric<A, O> rubric) {
        register(key, rubric);
        rubrics.put(key, rubric);
    }

    /** Adds or replaces several (the reference's {@code update}). */
    public void putAll(Map<String, ? extends Rubric<A, O>> more) {
        more.forEach(this::put);
    }

    /**
     * The rubric under {@code key}.
     *
     * @throws NoSuchElementException if there is none (the reference raises {@code KeyError})
     */
    public Rubric<A, O> get(String key) {
        Rubric<A, O> rubric = rubrics.get(key);
        if (rubric == null) {
            throw new NoSuchElementException("no rubric under key " + key);
        }
        return rubric;
    }

    public boolean containsKey(String key) {
        return rubrics.containsKey(key);
    }

    public int size() {
        return rubrics.size();
    }

    /** The keys in insertion order. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(rubrics.keySet());
    }

    /** The members by key, in insertion order. */
    public Map<String, Rubric<A, O>> asMap() {
        return Collections.unmodifiableMap(rubrics);
    }
}
