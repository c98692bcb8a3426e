package dev.openenv.core.mcp;

import dev.openenv.core.OpenEnvException;

/** A tool call that could not be made: unknown tool, bad arguments, timeout, or the tool threw. */
public final class McpToolException extends OpenEnvException {
    private final transient ToolError error;

    public McpToolException(ToolError error) {
        super(error.message());
        this.error = error;
    }

    public McpToolException(ToolError error, Throwable cause) {
        super(error.message(), cause);
        this.error = error;
    }

    public ToolError error() {
        return error;
    }
}
