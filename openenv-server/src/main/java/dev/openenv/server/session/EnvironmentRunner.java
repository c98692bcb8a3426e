package dev.openenv.server.session;

import dev.openenv.core.Action;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.mcp.McpAction;
import dev.openenv.core.mcp.McpActions;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls one session's environment with wire values: decodes the action, applies the step budget,
 * encodes the result. Every method must run on the session's thread (inside {@link Session#submit}).
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
    public ObjectNode reset(Session session, ResetRequest request) {
        Environment env = session.environment();
        StepResult<?> result = env.reset(request);
        return codec.envelope(result);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public ObjectNode step(Session session, Action action, Duration budget) throws Exception {
        Environment env = session.environment();
        StepResult<?> result = session.withBudget(budget,
                () -> budget == null ? env.step(action) : env.step(action, budget));
        return codec.envelope(result);
    }

    public JsonNode state(Session session) {
        return codec.toTree(session.environment().state());
    }

    public JsonNode metadata(Session session) {
        return codec.toTree(session.environment().metadata());
    }
}
