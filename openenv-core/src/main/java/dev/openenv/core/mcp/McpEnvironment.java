package dev.openenv.core.mcp;

import dev.openenv.core.Environment;
import dev.openenv.core.State;
import dev.openenv.core.StepResult;
import dev.openenv.core.TimeBudget;
import dev.openenv.core.json.WireCodec;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Base of environments whose actions are MCP tool calls. Declare tools in the constructor, as
 * lambdas over a parameter record or as {@link McpTool} methods:
 * <pre>{@code
 * public final class Echo extends McpEnvironment<BasicState> {
 *     record Message(@JsonPropertyDescription("The message to echo back") String message) {}
 *     public Echo() {
 *         tool("echo_message", "Echo back the provided message.", Message.class, Message::message);
 *     }
 *     @McpTool(description = "Add two numbers.") int add(int a, int b) { return a + b; }
 *     ...reset, state...
 * }
 * }</pre>
 * Argument schemas are generated from the parameter types; {@code reset}, {@code step}, {@code state}
 * and {@code close} cannot be tool names. {@code step} answers {@link ListToolsAction} with the tools
 * of the current mode and {@link CallToolAction} with the call's result or a {@link ToolError}; a
 * tool call gets 30 s unless the step's budget says otherwise. Override {@code step} to count steps or
 * give rewards, calling {@code super.step}.
 */
public abstract class McpEnvironment<S extends State> implements Environment<McpAction, McpObservation, S> {
    /** Budget of a tool call made through {@code step}, as in the reference. */
    public static final Duration DEFAULT_TOOL_TIMEOUT = Duration.ofSeconds(30);

    private final ToolRegistry tools = new ToolRegistry();
    private final WireCodec codec = WireCodec.standard();
    private volatile ToolMode mode = ToolMode.SIMULATION;

    protected McpEnvironment() {
        for (Class<?> c = getClass(); c != null && c != McpEnvironment.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                McpTool annotation = m.getAnnotation(McpTool.class);
                if (annotation != null) {
                    tools.add(tools.methodTool(this, m, annotation));
                }
            }
        }
    }

    /** Registers a tool offered in both modes whose arguments are the components of {@code params}. */
    protected final <P extends Record> void tool(String name, String description, Class<P> params, Function<P, ?> handler) {
        tool(name, description, params, handler, ToolMode.BOTH);
    }

    /** Registers a tool for one mode; the same name may have one implementation per mode. */
    protected final <P extends Record> void tool(String name, String description, Class<P> params, Function<P, ?> handler, ToolMode mode) {
        tools.add(tools.recordTool(name, description, params, null, handler, mode));
    }

    /**
     * Registers a tool offered in both modes that declares its result type, so {@code tools/list} shows
     * the result's schema ({@code outputSchema}) as FastMCP does for an annotated return type.
     */
    protected final <P extends Record, R> void tool(String name, String description, Class<P> params, Class<R> result,
                                                    Function<P, ? extends R> handler) {
        tools.add(tools.recordTool(name, description, params, result, handler, ToolMode.BOTH));
    }

    /** Tells the environment which server mode it runs in (the server calls this once, before any call). */
    public final void serveIn(ToolMode serverMode) {
        if (serverMode == ToolMode.BOTH) {
            throw new IllegalArgumentException("a server runs in SIMULATION or PRODUCTION mode");
        }
        this.mode = serverMode;
    }

    public final ToolMode serverMode() {
        return mode;
    }

    /** The tools offered in the current mode. */
    public final List<Tool> listTools() {
        return tools.visible(mode).stream().map(e -> new Tool(e.name(), e.description(), e.inputSchema().deepCopy(),
                e.outputSchema() == null ? null : e.outputSchema().deepCopy())).toList();
    }

    /**
     * Calls a tool directly (the JSON-RPC path: no step is counted).
     *
     * @return the MCP call result object
     * @throws McpToolException when the tool is unknown, the arguments do not fit, time runs out or the tool throws
     */
    public final JsonNode callTool(String name, JsonNode arguments, Duration budget) {
        ToolRegistry.Entry entry = tools.find(name, mode);
        JsonNode args = arguments == null || arguments.isNull() ? JsonNodeFactory.instance.objectNode() : arguments;
        if (!args.isObject()) {
            throw new McpToolException(new ToolError(ToolError.Type.INVALID_ARGS, "Invalid arguments for tool '" + name + "': expected an object"));
        }
        try {
            return ToolResults.of(TimeBudget.call(budget, () -> entry.invoke().apply(args)), codec);
        } catch (TimeBudget.Exceeded e) {
            throw new McpToolException(new ToolError(ToolError.Type.TIMEOUT,
                    "Tool '" + name + "' timed out after " + TimeBudget.seconds(budget) + " seconds"), e);
        } catch (McpToolException e) {
            throw e;
        } catch (Exception e) {
            String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new McpToolException(ToolError.classify(message), e);
        }
    }

    @Override
    public StepResult<McpObservation> step(McpAction action) {
        return step(action, DEFAULT_TOOL_TIMEOUT);
    }

    @Override
    public StepResult<McpObservation> step(McpAction action, Duration timeout) {
        return switch (action) {
            case ListToolsAction list -> StepResult.of(new ListToolsObservation(listTools()), null);
            case CallToolAction call -> {
                try {
                    JsonNode args = codec.toTree(call.arguments());
                    yield StepResult.of(new CallToolObservation(call.toolName(), callTool(call.toolName(), args, timeout), null), null);
                } catch (McpToolException e) {
                    yield StepResult.of(new CallToolObservation(call.toolName(), null, e.error()), null);
                }
            }
        };
    }
}
