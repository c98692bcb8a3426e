package dev.openenv.envs.echo;

import dev.openenv.envs.Readmes;
import dev.openenv.core.BasicState;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentMetadata;
import dev.openenv.core.Episode;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import java.util.Map;

/**
 * The classic echo environment of the reference's {@code openenv init} template: it echoes each
 * message back with its length and rewards 0.1 per character, so a whole stack can be exercised
 * without any game logic. Lengths count Unicode code points, as Python's {@code len} does.
 */
public final class EchoEnvironment implements Environment<EchoAction, EchoObservation, BasicState> {
    private final Episode episode = new Episode();

    @Override
    public StepResult<EchoObservation> reset(ResetRequest request) {
        episode.begin(request);
        return StepResult.of(new EchoObservation("Echo environment ready!", 0), 0.0);
    }

    @Override
    public StepResult<EchoObservation> step(EchoAction action) {
        episode.countStep();
        String message = action.message();
        int length = message.codePointCount(0, message.length());
        return new StepResult<>(new EchoObservation(message, length), length * 0.1, false,
                Map.of("original_message", message, "step", episode.steps()));
    }

    @Override
    public BasicState state() {
        return episode.state();
    }

    @Override
    public EnvironmentMetadata metadata() {
        return Readmes.metadata(getClass(), "EchoEnvironment", "Echoes each message back with its length; reward is 0.1 per character.");
    }
}
