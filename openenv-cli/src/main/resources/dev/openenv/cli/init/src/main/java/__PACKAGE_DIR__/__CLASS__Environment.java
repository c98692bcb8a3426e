package __PACKAGE__;

import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentMetadata;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.Episode;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;

/**
 * Guess a number from 0 to 99 in at most {@value #GUESSES} tries. Reward 1.0 for the right guess, 0.0
 * otherwise. One instance per session; the server calls it from one thread at a time.
 */
public final class __CLASS__Environment implements Environment<__CLASS__Action, __CLASS__Observation, __CLASS__State> {
    /** The environment's types, for {@code EnvClient.connect(url, TYPE)}. */
    public static final EnvironmentType<__CLASS__Action, __CLASS__Observation, __CLASS__State> TYPE =
            EnvironmentType.of("__NAME__", __CLASS__Action.class, __CLASS__Observation.class, __CLASS__State.class);
    static final int GUESSES = 7;

    private final Episode episode = new Episode();   // episode id + step count
    private int secret;
    private boolean solved;

    @Override
    public StepResult<__CLASS__Observation> reset(ResetRequest request) {   // seed, episode id, task, options
        episode.begin(request);
        secret = request.random().nextInt(100);
        solved = false;
        return StepResult.of(new __CLASS__Observation("guess 0..99", GUESSES), 0.0);
    }

    @Override
    public StepResult<__CLASS__Observation> step(__CLASS__Action action) {
        int step = episode.countStep();
        int left = GUESSES - step;
        solved = action.guess() == secret;
        String hint = solved ? "correct" : action.guess() < secret ? "higher" : "lower";
        return StepResult.of(new __CLASS__Observation(hint, Math.max(left, 0)), solved ? 1.0 : 0.0, solved || left <= 0);
    }

    @Override
    public __CLASS__State state() {
        return new __CLASS__State(episode.id(), episode.steps(), solved);
    }

    @Override
    public EnvironmentMetadata metadata() {
        return new EnvironmentMetadata("__NAME__", "Guess a number from 0 to 99; hints say higher or lower.",
                null, "0.1.0", null, null);
    }
}
