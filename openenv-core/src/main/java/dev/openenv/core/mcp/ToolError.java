package dev.openenv.core.mcp;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Why a tool call failed (framework errors; a tool's own errors travel in its result). */
public record ToolError(Type errorType, String message) {
    /** The reference's error kinds. */
    public enum Type {
        EXECUTION_ERROR, INVALID_ARGS, TRANSPORT_ERROR, TOOL_NOT_FOUND, TIMEOUT;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Classifies a failure message the way the reference does: "not found" or "unknown tool" is
     * {@code tool_not_found}, "invalid" or "argument" is {@code invalid_args}, anything else
     * {@code execution_error}.
     */
    public static ToolError classify(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        Type t = m.contains("not found") || m.contains("unknown tool") ? Type.TOOL_NOT_FOUND
                : m.contains("invalid") || m.contains("argument") ? Type.INVALID_ARGS : Type.EXECUTION_ERROR;
        return new ToolError(t, message);
    }
}
