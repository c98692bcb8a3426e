package dev.openenv.server.session;

import dev.openenv.core.Action;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import dev.openenv.core.TimeBudget;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.mcp.McpAction;
import dev.openenv.core.mcp.McpActions;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls an environment with wire values: decodes the action, applies the step's time budget, encodes
 * the result. Stateless; the environment is handed in by {@link Session#call}, inside its strand.
 */
public final class EnvironmentRunner {
    private final EnvironmentType<?, ?, ?> type;
    private final WireCodec codec;

    public EnvironmentRunner(EnvironmentType<?, ?, ?> type, WireCodec codec) {
        this.type = type;
        this.codec = codec;
    }

    public EnvironmentType<?, ?, ?> type() {
        return type;
    }

    /** Decodes an action for this environment. */
    public Action decodeAction(JsonNode json) {
        if (type.actionType() == McpAction.class) {
            return McpActions.decode(json, codec);
        }
        return codec.decode(json, type.actionType());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public ObjectNode reset(Environment env, ResetRequest request) {
        StepResult<?> result = env.reset(request);
        return codec.envelope(result);
    }

    /**
     * One step within {@code budget} ({@code null}: none).
     *
     * @throws TimeBudget.Exceeded when the budget ran out (the environment was interrupted)
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public ObjectNode step(Environment env, Action action, Duration budget) throws Exception {
        StepResult<?> result = TimeBudget.call(budget, () -> budget == null ? env.step(action) : env.step(action, budget));
        return codec.envelope(result);
    }

    public JsonNode state(Environment<?, ?, ?> env) {
        return codec.toTree(env.state());
    }

    public JsonNode metadata(Environment<?, ?, ?> env) {
        return codec.toTree(env.metadata());
    }
}
