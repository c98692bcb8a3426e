package dev.openenv.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Snapshots of a deterministic environment by replay: the reset (with the seed and episode id it
 * actually used) and the actions since. Restoring resets a fresh instance the same way and plays the
 * same actions, so everything the environment keeps (random generators, rubric trajectories, step
 * counts) ends up as it was, with nothing to copy by hand. Costs one step per step played so far.
 *
 * <pre>{@code
 * private final Replay<Drop> replay = new Replay<>();
 * public StepResult<Board> reset(ResetRequest request) { request = replay.begin(request); ... }
 * public StepResult<Board> step(Drop drop) { replay.played(drop); ... }
 * public Replay.Snapshot<Drop> snapshot() { return replay.snapshot(); }
 * public void restore(Replay.Snapshot<Drop> s) { Replay.restore(this, s); }
 * }</pre>
 *
 * @param <A> the environment's action type
 */
public final class Replay<A extends Action> {
    /** A reset and the actions played after it. */
    public record Snapshot<A>(ResetRequest reset, List<A> actions) {
        public Snapshot {
            actions = List.copyOf(actions);
        }
    }

    private final Random seeds = new Random();
    private ResetRequest reset = ResetRequest.none();
    private final List<A> actions = new ArrayList<>();

    /**
     * Starts recording an episode; returns {@code request} with a seed and an episode id filled in when
     * it had none, which the environment must use in place of the request it got.
     */
    public ResetRequest begin(ResetRequest request) {
        ResetRequest fixed = request.seed() != null ? request : request.withSeed(seeds.nextLong());
        fixed = fixed.episodeId() != null ? fixed : fixed.withEpisodeId(UUID.randomUUID().toString());
        reset = fixed;
        actions.clear();
        return fixed;
    }

    /** Records an action the environment is about to apply. */
    public void played(A action) {
        actions.add(action);
    }

    public Snapshot<A> snapshot() {
        return new Snapshot<>(reset, actions);
    }

    /** Replays {@code snapshot} into {@code env}: the same reset, then the same actions. */
    public static <A extends Action> void restore(Environment<A, ?, ?> env, Snapshot<A> snapshot) {
        env.reset(snapshot.reset());
        for (A action : snapshot.actions()) {
            env.step(action);
        }
    }
}
