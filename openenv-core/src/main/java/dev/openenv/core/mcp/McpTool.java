package dev.openenv.core.mcp;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of an {@link McpEnvironment} as a tool. Its parameters become the tool's arguments
 * (by name: compile with {@code -parameters}) and its return value the tool's result.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface McpTool {
    /** Tool name; the method name when empty. */
    String name() default "";

    /** What the tool does, shown to agents. */
    String description() default "";

    /** The server mode the tool is offered in. */
    ToolMode mode() default ToolMode.BOTH;
}
