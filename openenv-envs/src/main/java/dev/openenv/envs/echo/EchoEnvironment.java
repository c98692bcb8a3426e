package dev.openenv.envs.echo;

import dev.openenv.core.BasicState;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentMetadata;
import dev.openenv.core.StepResult;
import java.util.Map;
import java.util.UUID;

/**
 * The classic echo environment of the reference's {@code openenv init} template: it echoes each
 * message back with its length and rewards 0.1 per character, so a whole stack can be exercised
 * without any game logic. Lengths count Unicode code points, as Python's {@code len} does.
 */
public final class EchoEnvironment implements Environment<EchoAction, EchoObservation, BasicState> {
    private String episodeId = UUID.randomUUID().toString();
    private int stepCount;

    @Override
    public StepResult<EchoObservation> reset(Long seed, String episodeId, Map<String, Object> options) {
        this.episodeId = episodeId != null ? episodeId : UUID.randomUUID().toString();
        this.stepCount = 0;
        return StepResult.of(new EchoObservation("Echo environment ready!", 0), 0.0);
    }

    @Override
    public StepResult<EchoObservation> step(EchoAction action) {
        stepCount++;
        String message = action.message();
        int length = message.codePointCount(0, message.length());
        return new StepResult<>(new EchoObservation(message, length), length * 0.1, false,
                Map.of("original_message", message, "step", stepCount));
    }

    @Override
    public BasicState state() {
        return new BasicState(episodeId, stepCount);
    }

    @Override
    public EnvironmentMetadata metadata() {
        return new EnvironmentMetadata("EchoEnvironment",
                "Echoes each message back with its length; reward is 0.1 per character.",
                dev.openenv.envs.Readmes.of(getClass()), "1.0.0", "OpenEnv for Java", null);
    }
}
