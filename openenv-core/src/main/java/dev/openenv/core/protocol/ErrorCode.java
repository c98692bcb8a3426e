package dev.openenv.core.protocol;

import java.util.Optional;

/**
 * The {@code code} of an {@code {"type":"error"}} frame: the seven codes of the reference's {@code /ws}
 * protocol, plus {@link #UNKNOWN} for a code this version does not know (a newer server's).
 * Which failure carries which code, HTTP status and JSON-RPC code is decided in one place,
 * {@link Failure}.
 */
public enum ErrorCode {
    /** The frame was not JSON (or was a binary frame). The session continues. */
    INVALID_JSON,
    /** The frame's {@code type} is not one the server knows. The session continues. */
    UNKNOWN_TYPE,
    /** The envelope or the action failed validation; {@code errors} lists why. The session continues. */
    VALIDATION_ERROR,
    /** The environment raised while handling the message. The session continues. */
    EXECUTION_ERROR,
    /** No free session slot at connect; the connection closes. */
    CAPACITY_REACHED,
    /** The environment factory failed at connect; the connection closes. */
    FACTORY_ERROR,
    /** Any other failure of the session itself; the connection closes. */
    SESSION_ERROR,
    /** A code this version of the protocol does not know. */
    UNKNOWN;

    /** The code as it is spelled on the wire. */
    public String wire() {
        return name();
    }

    /** The code for a wire spelling, or empty when it is none of the known ones. */
    public static Optional<ErrorCode> fromWire(String wire) {
        if (wire == null) {
            return Optional.empty();
        }
        for (ErrorCode c : values()) {
            if (c != UNKNOWN && c.name().equals(wire)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
