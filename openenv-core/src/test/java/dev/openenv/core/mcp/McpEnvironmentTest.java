package dev.openenv.core.mcp;

import dev.openenv.core.ResetRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.core.BasicState;
import dev.openenv.core.StepResult;
import dev.openenv.core.json.ValidationError;
import dev.openenv.core.json.WireCodec;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class McpEnvironmentTest {
    record Pair(int a, int b) {}

    /** Tools declared every way the base class allows. */
    static class Calculator extends McpEnvironment<BasicState> {
        Calculator() {
            tool("add", "Add two numbers.", Pair.class, p -> p.a() + p.b());
            tool("mode", "Which implementation answers.", Pair.class, p -> "simulated", ToolMode.SIMULATION);
            tool("mode", "Which implementation answers.", Pair.class, p -> "real", ToolMode.PRODUCTION);
            tool("slow", "Sleeps.", Pair.class, p -> {
                try {
                    Thread.sleep(p.a());
                } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted", e);
                }
                return "woke";
            });
        }

        @McpTool(description = "Greets someone.")
        String greet(String name, int times) {
            return ("Hello, " + name + "! ").repeat(times).strip();
        }

        @McpTool(name = "fail", description = "Always fails.")
        String failing() {
            throw new IllegalStateException("the tool broke");
        }

        @Override
        public StepResult<McpObservation> reset(ResetRequest request) {
            return StepResult.of(new EmptyObservation(), 0.0);
        }

        @Override
        public BasicState state() {
            return new BasicState(null, 0);
        }
    }

    static class Reserved extends Calculator {
        Reserved() {
            tool("reset", "Not allowed.", Pair.class, p -> 0);
        }
    }

    final Calculator calc = new Calculator();
    final WireCodec codec = WireCodec.standard();

    CallToolObservation call(String tool, Map<String, ?> args) {
        return (CallToolObservation) calc.step(new CallToolAction(tool, args)).observation();
    }

    @Test
    void lambdaAndMethodToolsAreListedWithGeneratedSchemas() {
        var tools = calc.listTools();
        assertThat(tools).extracting(Tool::name).containsExactlyInAnyOrder("add", "mode", "slow", "greet", "fail");
        var add = tools.stream().filter(t -> t.name().equals("add")).findFirst().orElseThrow();
        assertThat(add.inputSchema().path("properties").path("a").path("type").asString()).isEqualTo("integer");
        assertThat(add.inputSchema().path("required")).extracting(n -> n.asString()).containsExactly("a", "b");
        var greet = tools.stream().filter(t -> t.name().equals("greet")).findFirst().orElseThrow();
        assertThat(greet.inputSchema().path("properties").propertyNames()).containsExactly("name", "times");
        assertThat(greet.description()).isEqualTo("Greets someone.");
    }

    @Test
    void methodToolsDeclareTheirResultSchemaAsFastMcpDoes() {
        var tools = calc.listTools();
        var greet = tools.stream().filter(t -> t.name().equals("greet")).findFirst().orElseThrow();
        assertThat(codec.write(greet.outputSchema())).isEqualTo(
                "{\"properties\":{\"result\":{\"type\":\"string\"}},\"required\":[\"result\"],\"type\":\"object\",\"x-fastmcp-wrap-result\":true}");
        var add = tools.stream().filter(t -> t.name().equals("add")).findFirst().orElseThrow();
        assertThat(add.outputSchema()).as("a lambda's result type is not known").isNull();
        assertThat(codec.write(greet)).as("the step path's list_tools shows no output schema, as the reference's")
                .doesNotContain("output").contains("\"input_schema\"");
    }

    @Test
    void badArgumentsReadAsPydanticsCallValidationError() {
        var missing = call("greet", Map.of("times", 1)).error();
        assertThat(missing.message()).isEqualTo("1 validation error for call[greet]\nname\n"
                + "  Missing required argument [type=missing_argument, input_value={'times': 1}, input_type=dict]\n"
                + "    For further information visit https://errors.pydantic.dev/" + ValidationError.PYDANTIC_VERSION + "/v/missing_argument");
        assertThat(call("greet", Map.of("name", "x", "times", 1, "extra", "y")).error().message())
                .contains("extra\n  Unexpected keyword argument [type=unexpected_keyword_argument, input_value='y', input_type=str]");
    }

    @Test
    void resultsHaveTheReferenceShape() {
        var sum = call("add", Map.of("a", 5, "b", 3)).result();
        assertThat(codec.write(sum)).isEqualTo("{\"content\":[{\"type\":\"text\",\"text\":\"8\",\"annotations\":null,\"meta\":null}],"
                + "\"structured_content\":{\"result\":8},\"meta\":{\"fastmcp\":{\"wrap_result\":true}},\"data\":8,\"is_error\":false}");
        assertThat(call("greet", Map.of("name", "Ada", "times", "2")).result().path("data").asString()).isEqualTo("Hello, Ada! Hello, Ada!");
    }

    @Test
    void failuresBecomeToolErrorsNotExceptions() {
        assertThat(call("nope", Map.of()).error()).isEqualTo(new ToolError(ToolError.Type.TOOL_NOT_FOUND, "Unknown tool: 'nope'"));
        assertThat(call("add", Map.of("a", 1)).error().errorType()).isEqualTo(ToolError.Type.INVALID_ARGS);
        assertThat(call("greet", Map.of("name", "x", "times", 1, "extra", true)).error().errorType()).isEqualTo(ToolError.Type.INVALID_ARGS);
        assertThat(call("fail", Map.of()).error()).isEqualTo(new ToolError(ToolError.Type.EXECUTION_ERROR, "the tool broke"));
    }

    @Test
    void aToolPastItsBudgetTimesOut() {
        var obs = (CallToolObservation) calc.step(new CallToolAction("slow", Map.of("a", 10_000, "b", 0)), Duration.ofMillis(100)).observation();
        assertThat(obs.error()).isEqualTo(new ToolError(ToolError.Type.TIMEOUT, "Tool 'slow' timed out after 0.1 seconds"));
    }

    @Test
    void eachModeSeesItsOwnImplementation() {
        assertThat(call("mode", Map.of("a", 0, "b", 0)).result().path("data").asString()).isEqualTo("simulated");
        calc.serveIn(ToolMode.PRODUCTION);
        assertThat(call("mode", Map.of("a", 0, "b", 0)).result().path("data").asString()).isEqualTo("real");
    }

    @Test
    void reservedNamesAreRefusedAtRegistration() {
        assertThatThrownBy(Reserved::new).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tool name 'reset' is reserved");
    }

    @Test
    void mcpActionsDecodeByType() {
        assertThat(McpActions.decode(codec.parse("{\"type\":\"list_tools\"}"), codec)).isInstanceOf(ListToolsAction.class);
        assertThat(McpActions.decode(codec.parse("{\"tool_name\":\"add\",\"arguments\":{\"a\":1}}"), codec))
                .isEqualTo(new CallToolAction("add", Map.of("a", 1)));
        assertThatThrownBy(() -> McpActions.decode(codec.parse("{\"type\":\"weird\"}"), codec))
                .hasMessageContaining("Input should be 'call_tool'").hasMessageContaining("Field required");
    }
}
