package dev.openenv.client.internal;

import dev.openenv.client.CapacityReachedException;
import dev.openenv.client.ServerErrorException;
import dev.openenv.core.protocol.ServerMessage;

/** The client exception for an error the server reported. Not API. */
public final class ServerErrors {
    private ServerErrors() {}

    public static ServerErrorException of(ServerMessage.Error error) {
        return switch (error.code()) {
            case CAPACITY_REACHED -> new CapacityReachedException(error);
            case INVALID_JSON, UNKNOWN_TYPE, VALIDATION_ERROR, EXECUTION_ERROR, FACTORY_ERROR, SESSION_ERROR, UNKNOWN ->
                    new ServerErrorException(error);
        };
    }
}
