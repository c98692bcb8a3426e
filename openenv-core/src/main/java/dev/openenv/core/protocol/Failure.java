package dev.openenv.core.protocol;

import dev.openenv.core.TimeBudget;
import dev.openenv.core.json.ActionValidationException;
import dev.openenv.core.json.MalformedJsonException;
import dev.openenv.core.json.ValidationError;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Every way a request can fail, and the one mapping from each to what the three transports say:
 * the {@code /ws} error code ({@link #code()}), the HTTP status ({@link #httpStatus()}) and the
 * JSON-RPC error code of {@code /mcp} ({@link #jsonRpcCode()}). Server and client both use it; nothing
 * else maps failures to codes.
 */
public sealed interface Failure {

    /** The request body or frame is not JSON. */
    record InvalidJson(String reason, long offset) implements Failure {
        @Override
        public String message() {
            return "Invalid JSON: " + reason + (offset >= 0 ? " (char " + offset + ")" : "");
        }
    }

    /** A frame of a type the server does not know. */
    record UnknownType(String type) implements Failure {
        @Override
        public String message() {
            return "Unknown message type: " + type;
        }
    }

    /** The envelope, body or action failed validation (pydantic-shaped errors). */
    record Invalid(List<ValidationError> errors) implements Failure {
        public Invalid {
            errors = List.copyOf(errors);
        }

        @Override
        public String message() {
            return "Invalid message";
        }
    }

    /** An HTTP request body failed the route's validation (FastAPI's 422; {@code loc} starts with {@code "body"}). */
    record InvalidBody(List<ValidationError> errors) implements Failure {
        public InvalidBody {
            errors = List.copyOf(errors);
        }

        @Override
        public String message() {
            return "Invalid request body";
        }
    }

    /** A request the server understood but will not serve as asked (HTTP 400). */
    record BadRequest(String message) implements Failure {}

    /** A JSON-RPC request whose {@code params} name something wrong or miss something needed. */
    record InvalidParams(String message) implements Failure {}

    /** An HTTP route asked with a method it does not answer; {@code allowed} is the one it does. */
    record MethodNotAllowed(String allowed) implements Failure {
        @Override
        public String message() {
            return "Method Not Allowed";
        }
    }

    /** Something named by the request does not exist: a route, a session, an environment (HTTP 404). */
    record NotFound(String message) implements Failure {}

    /** The environment raised; {@code message} is its text. */
    record Execution(String message) implements Failure {}

    /** A step overran its time budget. */
    record Timeout(Duration budget) implements Failure {
        @Override
        public String message() {
            return "Step exceeded its timeout of " + TimeBudget.seconds(budget) + " s and was interrupted";
        }
    }

    /** No free session slot. */
    record CapacityReached(int active, int max) implements Failure {
        @Override
        public String message() {
            return "Server at capacity: " + active + "/" + max + " sessions active. Cannot accept new connections.";
        }
    }

    /** The environment factory failed to build an instance. */
    record FactoryFailed(String factoryName) implements Failure {
        @Override
        public String message() {
            return "Environment factory '" + factoryName + "' failed to create instance.";
        }
    }

    /** The session itself failed or was ended by the server (idle timeout, shutdown …). */
    record SessionFailed(String message) implements Failure {}

    /** The environment does not offer what was asked (e.g. the Task API without tasks): HTTP 501. */
    record NotSupported(String message) implements Failure {}

    /** The human-readable message the transports carry. */
    String message();

    /** The {@code /ws} error code. */
    default ErrorCode code() {
        return switch (this) {
            case InvalidJson f -> ErrorCode.INVALID_JSON;
            case UnknownType f -> ErrorCode.UNKNOWN_TYPE;
            case Invalid f -> ErrorCode.VALIDATION_ERROR;
            case InvalidBody f -> ErrorCode.VALIDATION_ERROR;
            case BadRequest f -> ErrorCode.VALIDATION_ERROR;
            case InvalidParams f -> ErrorCode.VALIDATION_ERROR;
            case MethodNotAllowed f -> ErrorCode.UNKNOWN_TYPE;
            case NotFound f -> ErrorCode.EXECUTION_ERROR;
            case Execution f -> ErrorCode.EXECUTION_ERROR;
            case Timeout f -> ErrorCode.EXECUTION_ERROR;
            case CapacityReached f -> ErrorCode.CAPACITY_REACHED;
            case FactoryFailed f -> ErrorCode.FACTORY_ERROR;
            case SessionFailed f -> ErrorCode.SESSION_ERROR;
            case NotSupported f -> ErrorCode.EXECUTION_ERROR;
        };
    }

    /** The HTTP status of the routes. */
    default int httpStatus() {
        return switch (this) {
            case InvalidJson f -> 422;
            case UnknownType f -> 400;
            case Invalid f -> 422;
            case InvalidBody f -> 422;
            case BadRequest f -> 400;
            case InvalidParams f -> 400;
            case MethodNotAllowed f -> 405;
            case NotFound f -> 404;
            case Execution f -> 500;
            case Timeout f -> 504;
            case CapacityReached f -> 503;
            case FactoryFailed f -> 500;
            case SessionFailed f -> 503;
            case NotSupported f -> 501;
        };
    }

    /** The JSON-RPC error code of {@code /mcp}. */
    default int jsonRpcCode() {
        return switch (this) {
            case InvalidJson f -> JsonRpcCodes.PARSE_ERROR;
            case UnknownType f -> JsonRpcCodes.METHOD_NOT_FOUND;
            case Invalid f -> JsonRpcCodes.INVALID_PARAMS;
            case InvalidBody f -> JsonRpcCodes.INVALID_PARAMS;
            case BadRequest f -> JsonRpcCodes.INVALID_REQUEST;
            case InvalidParams f -> JsonRpcCodes.INVALID_PARAMS;
            case MethodNotAllowed f -> JsonRpcCodes.METHOD_NOT_FOUND;
            case NotFound f -> JsonRpcCodes.METHOD_NOT_FOUND;
            case Execution f -> JsonRpcCodes.INTERNAL_ERROR;
            case Timeout f -> JsonRpcCodes.INTERNAL_ERROR;
            case CapacityReached f -> JsonRpcCodes.SERVER_ERROR;
            case FactoryFailed f -> JsonRpcCodes.SERVER_ERROR;
            case SessionFailed f -> JsonRpcCodes.SERVER_ERROR;
            case NotSupported f -> JsonRpcCodes.METHOD_NOT_FOUND;
        };
    }

    /**
     * The failure a throwable stands for: a {@link ProtocolException} carries its own; validation,
     * JSON and time-budget exceptions of core map to theirs; anything else the environment threw is an
     * {@link Execution} failure with the exception's message.
     */
    static Failure of(Throwable thrown) {
        Throwable t = thrown;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return switch (t) {
            case ProtocolException e -> e.failure();
            case ActionValidationException e -> new Invalid(e.errors());
            case dev.openenv.core.InvalidOptionException e -> new Invalid(e.errors());
            case MalformedJsonException e -> new InvalidJson(e.reason(), e.offset());
            case TimeBudget.Exceeded e -> new Timeout(e.budget());
            default -> new Execution(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
        };
    }

    /** JSON-RPC 2.0 error codes used by {@code /mcp}. */
    final class JsonRpcCodes {
        public static final int PARSE_ERROR = -32700;
        public static final int INVALID_REQUEST = -32600;
        public static final int METHOD_NOT_FOUND = -32601;
        public static final int INVALID_PARAMS = -32602;
        public static final int INTERNAL_ERROR = -32603;
        public static final int SERVER_ERROR = -32000;

        private JsonRpcCodes() {}
    }

    /** Wraps a failure so that it can be thrown: {@code throw Failure.raise(new NotFound(...))}. */
    static ProtocolException raise(Failure failure) {
        return new ProtocolException(failure);
    }
}
