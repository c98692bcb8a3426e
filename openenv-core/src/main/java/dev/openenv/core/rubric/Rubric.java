package dev.openenv.core.rubric;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.ToDoubleBiFunction;

/**
 * A reward computation: a score for an action and the observation it led to, as in the reference's
 * {@code openenv.core.rubrics.Rubric} (RFC 004). Subclasses implement {@link #forward}; callers call
 * {@link #score}, which runs the pre-hooks, {@code forward}, records {@link #lastScore()} and runs the
 * post-hooks. A leaf needs no subclass: {@link #of} makes one from a lambda.
 *
 * <p>Rubrics form a tree. A rubric that scores with others {@linkplain #register registers} them under a
 * name (the reference does this when a child is assigned to an attribute), and every descendant is then
 * reachable by a dot-separated path: {@link #namedRubrics()} lists them depth-first, {@link #rubric(String)}
 * finds one and {@link #componentScores()} reads what each scored last. That is how training code sees
 * the parts of a reward; they are not sent on the wire (the reference sends only the total as
 * {@code reward}).
 *
 * <p>In an environment the observation type is usually the step's {@link dev.openenv.core.StepResult},
 * which carries the done flag and metadata that the reference's observations carry. A rubric is used by one
 * environment instance and, like it, from one thread at a time; it is not thread-safe.
 *
 * @param <A> action type
 * @param <O> observation type
 */
public abstract class Rubric<A, O> {
    /** Runs before {@code forward}: the rubric, the action and the observation. */
    @FunctionalInterface
    public interface PreHook<A, O> {
        void before(Rubric<A, O> rubric, A action, O observation);
    }

    /** Runs after {@code forward}: the rubric, the action, the observation and the score. */
    @FunctionalInterface
    public interface Hook<A, O> {
        void after(Rubric<A, O> rubric, A action, O observation, double score);
    }

    private final Map<String, Rubric<?, ?>> children = new LinkedHashMap<>();
    private final List<PreHook<A, O>> preHooks = new ArrayList<>();
    private final List<Hook<A, O>> hooks = new ArrayList<>();
    private double lastScore = Double.NaN;
    private boolean scored;

    /** A rubric with no children and no hooks yet; subclasses register their children as fields. */
    protected Rubric() {}

    /** A leaf rubric that scores with {@code scorer}. */
    public static <A, O> Rubric<A, O> of(ToDoubleBiFunction<? super A, ? super O> scorer) {
        Objects.requireNonNull(scorer, "scorer");
        return new Rubric<>() {
            @Override
            protected double forward(A action, O observation) {
                return scorer.applyAsDouble(action, observation);
            }
        };
    }

    /** Computes the score. Implement this; call {@link #score} to evaluate (it runs the hooks). */
    protected abstract double forward(A action, O observation);

    /**
     * Evaluates the rubric (the reference's {@code __call__}): pre-hooks, {@link #forward}, then
     * {@link #lastScore()} is set and the post-hooks run.
     */
    public final double score(A action, O observation) {
        for (PreHook<A, O> hook : preHooks) {
            hook.before(this, action, observation);
        }
        double result = forward(action, observation);
        lastScore = result;
        scored = true;
        for (Hook<A, O> hook : hooks) {
            hook.after(this, action, observation, result);
        }
        return result;
    }

    /**
     * Registers {@code child} under {@code name} and returns it. Registering a name again replaces the
     * child in its original position, as assigning an attribute again does in the reference.
     *
     * @throws IllegalArgumentException if the name is empty or contains a dot (paths use dots)
     */
    protected final <R extends Rubric<?, ?>> R register(String name, R child) {
        Objects.requireNonNull(child, "child");
        if (name == null || name.isEmpty() || name.indexOf('.') >= 0) {
            throw new IllegalArgumentException("a rubric name must be non-empty and contain no '.', got " + name);
        }
        children.put(name, child);
        return child;
    }

    /** Runs {@code hook} before every evaluation (the reference's {@code register_forward_pre_hook}). */
    public final void registerForwardPreHook(PreHook<A, O> hook) {
        preHooks.add(Objects.requireNonNull(hook, "hook"));
    }

    /** Runs {@code hook} after every evaluation (the reference's {@code register_forward_hook}). */
    public final void registerForwardHook(Hook<A, O> hook) {
        hooks.add(Objects.requireNonNull(hook, "hook"));
    }

    /** The score of the last evaluation; empty before the first (the reference's {@code last_score = None}). */
    public final OptionalDouble lastScore() {
        return scored ? OptionalDouble.of(lastScore) : OptionalDouble.empty();
    }

    /** The immediate children by name, in registration order (the reference's {@code named_children}). */
    public final Map<String, Rubric<?, ?>> children() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * Every descendant by dot-separated path, depth-first and in registration order, a parent before its
     * children (the reference's {@code named_rubrics}); the rubric itself is not included.
     */
    public final Map<String, Rubric<?, ?>> namedRubrics() {
        Map<String, Rubric<?, ?>> out = new LinkedHashMap<>();
        collect("", out);
        return Collections.unmodifiableMap(out);
    }

    private void collect(String prefix, Map<String, Rubric<?, ?>> out) {
        children.forEach((name, child) -> {
            String path = prefix.isEmpty() ? name : prefix + "." + name;
            out.put(path, child);
            child.collect(path, out);
        });
    }

    /**
     * The descendant at a dot-separated path such as {@code "code.syntax"} (the reference's
     * {@code get_rubric}).
     *
     * @throws NoSuchElementException if there is none
     */
    public final Rubric<?, ?> rubric(String path) {
        Rubric<?, ?> current = this;
        for (String part : path.split("\\.", -1)) {
            current = current.children.get(part);
            if (current == null) {
                throw new NoSuchElementException("Rubric path not found: " + path);
            }
        }
        return current;
    }

    /**
     * The last score of every descendant that has been evaluated, by path, in {@link #namedRubrics()}
     * order. A descendant skipped by its parent (a {@link Sequential} that stopped early) keeps the score
     * of the evaluation before, as in the reference; read {@link #lastScore()} with that in mind.
     */
    public final Map<String, Double> componentScores() {
        Map<String, Double> out = new LinkedHashMap<>();
        namedRubrics().forEach((path, rubric) -> rubric.lastScore().ifPresent(s -> out.put(path, s)));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Clears state kept between evaluations, such as a trajectory; an environment calls it from
     * {@code reset}. The default resets every child. (The reference's base {@code reset} does nothing,
     * so there a container never reset a trajectory rubric inside it; here it does.) The last score is
     * kept, as in the reference.
     */
    public void reset() {
        for (Rubric<?, ?> child : children.values()) {
            child.reset();
        }
    }
}
