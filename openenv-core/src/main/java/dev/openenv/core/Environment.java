package dev.openenv.core;

import dev.openenv.core.rubric.Rubric;
import java.time.Duration;
import java.util.Optional;

/**
 * An OpenEnv environment: the thing an agent acts in, one instance per session.
 *
 * <p>The server builds instances with a factory and calls every method of one instance from one
 * thread at a time, so an implementation needs no locking of its own. Lifecycle of an instance:
 * <pre>
 *   created ──reset──▶ in episode ──step*──▶ (done) ──reset──▶ in episode …
 *      │                    │                                     │
 *      └────────────────────┴──────────── close ──────────────────┴──▶ closed
 * </pre>
 * {@code step} before the first {@code reset} is the environment's call: answer it or throw.
 * Exceptions thrown from any method reach the client as an {@code EXECUTION_ERROR} (WebSocket) or
 * HTTP 500; the session stays usable.
 *
 * @param <A> action record type
 * @param <O> observation record type
 * @param <S> state record type
 */
public interface Environment<A extends Action, O, S extends State> extends AutoCloseable {

    /**
     * Starts a new episode.
     *
     * @param request the seed, episode id, task and options the caller sent (any may be absent)
     */
    StepResult<O> reset(ResetRequest request);

    /** Starts a new episode with nothing asked for. */
    default StepResult<O> reset() {
        return reset(ResetRequest.none());
    }

    /** Starts a new episode with {@code seed}. */
    default StepResult<O> reset(long seed) {
        return reset(ResetRequest.seeded(seed));
    }

    /** Applies one action. */
    StepResult<O> step(A action);

    /**
     * Applies one action within a time budget. The server enforces the budget by interrupting the
     * calling thread when it runs out; override this to stop earlier or more cleanly. The default
     * ignores the budget and calls {@link #step(Action)}.
     */
    default StepResult<O> step(A action, Duration timeout) {
        return step(action);
    }

    /** The current state. Cheap; may be called at any time, also before the first reset. */
    S state();

    /**
     * The rubric this environment's rewards come from, if they come from one (the reference's
     * {@code Environment.rubric}): for introspection by training code, which reads the components' scores
     * by path ({@link Rubric#componentScores()}) after a step. The environment itself applies it, as the
     * reference's {@code _apply_rubric} and {@code _reset_rubric} do: {@code rubric.reset()} in
     * {@code reset}, and {@code result.withReward(rubric.score(action, result))} in {@code step}, so the
     * score is the step's {@code reward} on the wire. Empty by default.
     */
    default Optional<Rubric<A, StepResult<O>>> rubric() {
        return Optional.empty();
    }

    /**
     * The formats {@link #render} can produce, preferred first; empty (the default) when the environment
     * does not render.
     */
    default java.util.List<Rendering.Format> renderFormats() {
        return java.util.List.of();
    }

    /**
     * A picture of the current state in {@code format}, one of {@link #renderFormats()}. Called by the
     * server after {@code reset} and each {@code step} of an episode whose reset asked for it (reset
     * option {@code "render"}), in the session's thread like every other call.
     */
    default Rendering render(Rendering.Format format) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not render");
    }

    /** Name, description and version shown by {@code GET /metadata}. */
    default EnvironmentMetadata metadata() {
        return EnvironmentMetadata.defaultFor(getClass().getSimpleName());
    }

    /** Releases resources. Called exactly once when the session ends; must not throw for a clean end. */
    @Override
    default void close() {}
}
