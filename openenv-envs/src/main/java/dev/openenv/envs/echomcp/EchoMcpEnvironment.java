package dev.openenv.envs.echomcp;

import dev.openenv.envs.Readmes;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.openenv.core.BasicState;
import dev.openenv.core.EnvironmentMetadata;
import dev.openenv.core.Episode;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import dev.openenv.core.mcp.EmptyObservation;
import dev.openenv.core.mcp.McpAction;
import dev.openenv.core.mcp.McpEnvironment;
import dev.openenv.core.mcp.McpObservation;
import java.time.Duration;
import java.util.Map;

/**
 * The reference's MCP echo environment: two tools, {@code echo_message} and {@code echo_with_length}.
 * Every step counts, tool listing included; JSON-RPC calls through {@code /mcp} do not.
 */
public final class EchoMcpEnvironment extends McpEnvironment<BasicState> {
    /** Arguments of both tools. */
    public record Message(@JsonPropertyDescription("The message to echo back") String message) {}

    /** Result of {@code echo_with_length}; the length counts Unicode code points. */
    public record MessageWithLength(String message, int length) {}

    private final Episode episode = new Episode();

    public EchoMcpEnvironment() {
        tool("echo_message", "Echo back the provided message.", Message.class, String.class, Message::message);
        tool("echo_with_length", "Echo back the message with its length.", Message.class, MessageWithLength.class,
                m -> new MessageWithLength(m.message(), m.message().codePointCount(0, m.message().length())));
    }

    @Override
    public StepResult<McpObservation> reset(ResetRequest request) {
        episode.begin(request);
        return new StepResult<>(new EmptyObservation(), 0.0, false,
                Map.of("status", "ready", "message", "Echo environment ready!"));
    }

    @Override
    public StepResult<McpObservation> step(McpAction action, Duration timeout) {
        episode.countStep();
        return super.step(action, timeout);
    }

    @Override
    public BasicState state() {
        return episode.state();
    }

    @Override
    public EnvironmentMetadata metadata() {
        return Readmes.metadata(getClass(), "EchoEnvironment", "MCP echo environment: tools echo_message and echo_with_length.");
    }
}
