package dev.openenv.core;

import java.util.UUID;

/**
 * The bookkeeping every environment's state needs: the current episode's id and how many steps it has
 * taken. Call {@link #begin} in {@code reset} and {@link #countStep} in {@code step}.
 *
 * <pre>{@code
 * private final Episode episode = new Episode();
 * public StepResult<Hint> reset(ResetRequest request) { episode.begin(request); ... }
 * public StepResult<Hint> step(Guess g) { episode.countStep(); ... }
 * public BasicState state() { return episode.state(); }
 * }</pre>
 *
 * Not thread-safe; the server calls an environment from one thread at a time.
 */
public final class Episode {
    private String id = UUID.randomUUID().toString();
    private int steps;

    /** Starts an episode: the requested id or a new random one, and no steps. */
    public void begin(ResetRequest request) {
        id = request.episodeId() != null ? request.episodeId() : UUID.randomUUID().toString();
        steps = 0;
    }

    /** Counts one step and returns the new count. */
    public int countStep() {
        return ++steps;
    }

    /** The episode's id (an episode exists from construction, so a step before any reset has one). */
    public String id() {
        return id;
    }

    /** Steps taken in this episode. */
    public int steps() {
        return steps;
    }

    /** The protocol's base state: {@code episode_id} and {@code step_count}. */
    public BasicState state() {
        return new BasicState(id, steps);
    }
}
