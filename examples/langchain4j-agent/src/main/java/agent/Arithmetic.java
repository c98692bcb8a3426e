package agent;

import dev.openenv.core.*;
import dev.openenv.core.mcp.*;

/** An MCP environment with two tools; agents reach them on {@code /mcp} like any MCP server's. */
public final class Arithmetic extends McpEnvironment<BasicState> {
    record Pair(int a, int b) {}

    private final Episode episode = new Episode();

    public Arithmetic() {
        tool("add", "Add two integers.", Pair.class, p -> p.a() + p.b());
        tool("multiply", "Multiply two integers.", Pair.class, p -> p.a() * p.b());
    }

    @Override
    public StepResult<McpObservation> reset(ResetRequest request) {
        episode.begin(request);
        return StepResult.of(new EmptyObservation(), 0.0);
    }

    @Override
    public BasicState state() {
        return episode.state();
    }
}
