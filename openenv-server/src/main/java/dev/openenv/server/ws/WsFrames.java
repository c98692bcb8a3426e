package dev.openenv.server.ws;

import dev.openenv.core.Action;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.protocol.ClientMessage;
import dev.openenv.core.protocol.Failure;
import dev.openenv.core.protocol.ServerMessage;
import dev.openenv.server.mcp.McpRpc;
import dev.openenv.server.metrics.ServerMetrics;
import dev.openenv.server.session.EnvironmentRunner;
import dev.openenv.server.session.Session;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * The {@code /ws} dialect: each {@link ClientMessage} is answered with exactly one {@link ServerMessage}
 * (except {@code close}, which hangs up); every failure is an {@code error} frame and the session
 * continues.
 */
public final class WsFrames implements Dialect {
    private final EnvironmentRunner runner;
    private final WireCodec codec;
    private final Duration stepTimeout;
    private final McpRpc mcp;
    private final ServerMetrics metrics;

    public WsFrames(EnvironmentRunner runner, WireCodec codec, Duration stepTimeout, McpRpc mcp, ServerMetrics metrics) {
        this.metrics = metrics;
        this.runner = runner;
        this.codec = codec;
        this.stepTimeout = stepTimeout;
        this.mcp = mcp;
    }

    @Override
    public Reply answer(Session session, String text) {
        try {
            return switch (ClientMessage.parse(codec.parse(text))) {
                case ClientMessage.Reset m -> {
                    ResetRequest request = m.request(codec);
                    yield send(new ServerMessage.Observation(session.await(env -> runner.reset(session.id(), env, request), null)));
                }
                case ClientMessage.Step m -> {
                    Action action = runner.decodeAction(m.action());
                    EnvironmentRunner.Stepped stepped = session.await(env -> runner.step(session.id(), env, action, m.action(), text, stepTimeout), null);
                    // The step's record line copies the envelope from the answer's text (serialized once).
                    yield new Reply.Send(new ServerMessage.Observation(stepped.envelope()).toJson(), stepped.record() == null ? null : stepped::sent);
                }
                case ClientMessage.State m -> send(new ServerMessage.State(session.await(runner::state, null)));
                case ClientMessage.Mcp m -> send(new ServerMessage.Mcp(mcp.handle(m.request(), new McpRpc.Caller(session, false))));
                case ClientMessage.Close m -> new Reply.Hangup("client sent close");
            };
        } catch (Exception e) {
            Failure failure = Failure.of(e);
            metrics.failed(failure);
            return send(ServerMessage.Error.of(failure, codec));
        }
    }

    private static Reply send(ServerMessage message) {
        return new Reply.Send(message.toJson());
    }

    @Override
    public JsonNode failure(Failure failure) {
        return ServerMessage.Error.of(failure, codec).toJson();
    }

    @Override
    public JsonNode binaryRefused() {
        return failure(new Failure.InvalidJson("binary frames are not supported; send JSON as a text frame", -1));
    }

    @Override
    public boolean attachable() {
        return true;
    }
}
