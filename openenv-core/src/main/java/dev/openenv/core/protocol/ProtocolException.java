package dev.openenv.core.protocol;

import dev.openenv.core.OpenEnvException;

/** A {@link Failure} thrown: the server's code raises these, and one handler per transport answers them. */
public class ProtocolException extends OpenEnvException {
    private final transient Failure failure;

    public ProtocolException(Failure failure) {
        super(failure.message());
        this.failure = failure;
    }

    public ProtocolException(Failure failure, Throwable cause) {
        super(failure.message(), cause);
        this.failure = failure;
    }

    /** What failed. */
    public Failure failure() {
        return failure;
    }
}
