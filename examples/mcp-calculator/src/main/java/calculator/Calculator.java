package calculator;

import dev.openenv.core.*;
import dev.openenv.core.mcp.*;   // McpEnvironment, McpTool

public final class Calculator extends McpEnvironment<BasicState> {
    record Pair(int a, int b) {}
    public Calculator() {
        tool("add", "Add two numbers.", Pair.class, p -> p.a() + p.b());           // schema from the record
    }
    @McpTool(description = "Greets someone.") String greet(String name) { return "Hello, " + name; }
    private final Episode episode = new Episode();   // reset and state as for any environment
    public StepResult<McpObservation> reset(ResetRequest request) {
        episode.begin(request);
        return StepResult.of(new EmptyObservation(), 0.0);
    }
    public BasicState state() { return episode.state(); }
}
