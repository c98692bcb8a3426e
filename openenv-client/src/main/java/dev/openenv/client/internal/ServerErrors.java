package dev.openenv.client.internal;

import dev.openenv.client.CapacityReachedException;
import dev.openenv.client.ServerErrorException;
import dev.openenv.core.json.WireCodec;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Turns the server's error payloads into the client's exceptions. */
public final class ServerErrors {
    private ServerErrors() {}

    /** From the {@code data} of a WebSocket {@code error} frame. */
    public static ServerErrorException fromFrame(JsonNode data) {
        String code = data.path("code").asString("UNKNOWN");
        String message = data.path("message").asString("Unknown error");
        Map<String, Object> details = new LinkedHashMap<>();
        for (var e : data.properties()) {
            if (!e.getKey().equals("code") && !e.getKey().equals("message")) {
                details.put(e.getKey(), WireCodec.standard().toPlain(e.getValue()));
            }
        }
        return code.equals("CAPACITY_REACHED") ? new CapacityReachedException(message, details)
                : new ServerErrorException(code, message, details);
    }

    /** From an HTTP error response: 422 is a validation error, 503 capacity, the rest execution errors. */
    public static ServerErrorException fromHttp(int status, String body) {
        JsonNode json;
        try {
            json = WireCodec.standard().parse(body);
        } catch (RuntimeException e) {
            json = null;
        }
        JsonNode detail = json == null ? null : json.get("detail");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", status);
        String message;
        if (detail != null && detail.isArray()) {
            details.put("errors", WireCodec.standard().toPlain(detail));
            message = "Invalid request";
        } else if (detail != null && detail.isString()) {
            message = detail.stringValue();
        } else {
            message = body == null || body.isBlank() ? "HTTP " + status : body.strip();
        }
        return switch (status) {
            case 422 -> new ServerErrorException("VALIDATION_ERROR", message, details);
            case 503 -> new CapacityReachedException(message, details);
            case 404 -> new ServerErrorException("NOT_FOUND", message, details);
            case 504 -> new ServerErrorException("EXECUTION_ERROR", message, details);
            default -> new ServerErrorException("EXECUTION_ERROR", message, details);
        };
    }
}
