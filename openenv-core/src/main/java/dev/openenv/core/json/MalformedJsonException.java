package dev.openenv.core.json;

import dev.openenv.core.OpenEnvException;

/** Text that is not JSON. Carries the decoder's reason and the character offset where it failed. */
public final class MalformedJsonException extends OpenEnvException {
    private final long offset;
    private final String reason;

    public MalformedJsonException(String reason, long offset) {
        super("Invalid JSON: " + reason + " (char " + offset + ")");
        this.reason = reason;
        this.offset = offset;
    }

    /** The decoder's explanation, without position. */
    public String reason() {
        return reason;
    }

    /** Zero-based character offset of the failure. */
    public long offset() {
        return offset;
    }
}
