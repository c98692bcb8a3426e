package dev.openenv.client;

/** A tool call the environment could not make; {@link #errorType()} is the reference's error kind. */
public final class ToolCallException extends EnvClientException {
    private final String tool;
    private final String errorType;

    public ToolCallException(String tool, String errorType, String message) {
        super("Tool '" + tool + "' failed: " + message + " (type: " + errorType + ")");
        this.tool = tool;
        this.errorType = errorType;
    }

    public String tool() {
        return tool;
    }

    /** {@code tool_not_found}, {@code invalid_args}, {@code execution_error}, {@code transport_error} or {@code timeout}. */
    public String errorType() {
        return errorType;
    }
}
