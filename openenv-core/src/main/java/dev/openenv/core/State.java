package dev.openenv.core;

/**
 * The state of an environment's current episode, as returned by {@code state()}.
 *
 * <p>Every state carries the protocol's two base fields; records implementing it add their own
 * components, which are serialized next to them ({@code {"episode_id":…,"step_count":…,"board":…}}).
 */
public interface State {
    /** Unique identifier of the current episode, or {@code null} before the first reset. */
    String episodeId();

    /** Number of steps taken in the current episode; never negative. */
    int stepCount();
}
