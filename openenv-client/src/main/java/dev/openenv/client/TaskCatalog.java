package dev.openenv.client;

import dev.openenv.client.internal.ClientCore;
import dev.openenv.core.TaskProvider;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.protocol.ServerMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The tasks of an environment through 0.10's Task API: its splits, how many tasks each holds, one
 * task or a range. Tasks come back as plain Java values (maps, lists, strings, numbers), or as a record
 * of your own with {@link #task(String, int, Class)}. Play one with
 * {@code client.reset(ResetRequest.task(split, index))}.
 *
 * <pre>{@code
 * var catalog = TaskCatalog.connect("http://localhost:8000");
 * for (int i = 0; i < catalog.count("test"); i++) {
 *     env.reset(ResetRequest.task("test", i));
 *     …
 * }
 * }</pre>
 * An environment without tasks answers every call with a {@link ServerErrorException} whose
 * {@code details().get("status")} is 501; an unknown split is 404 and an index outside it 400.
 */
public final class TaskCatalog {
    private final URI base;
    private final String environment;
    private final ClientOptions options;
    private final java.net.http.HttpClient http;
    private final WireCodec codec = WireCodec.standard();

    private TaskCatalog(URI base, String environment, ClientOptions options) {
        this.base = base;
        this.environment = environment;
        this.options = options;
        this.http = ClientCore.http(options);
    }

    /** The catalog of the (single) environment the server at {@code baseUrl} serves. */
    public static TaskCatalog connect(String baseUrl) {
        return connect(baseUrl, ClientOptions.defaults());
    }

    /** The same, with the client options' headers (a token), TLS context, connect and reply timeouts. */
    public static TaskCatalog connect(String baseUrl, ClientOptions options) {
        URI base = ClientCore.httpBase(baseUrl);
        JsonNode names = new TaskCatalog(base, "", options).get("/list_environments");
        if (!names.isArray() || names.isEmpty()) {
            throw new EnvClientException("The server at " + base + " lists no environment: " + names);
        }
        return new TaskCatalog(base, names.get(0).asString(), options);
    }

    /** The catalog of environment {@code name} (matched case-insensitively by the server). */
    public static TaskCatalog connect(String baseUrl, String name) {
        return connect(baseUrl, name, ClientOptions.defaults());
    }

    /** The catalog of environment {@code name}, with client options. */
    public static TaskCatalog connect(String baseUrl, String name, ClientOptions options) {
        return new TaskCatalog(ClientCore.httpBase(baseUrl), java.util.Objects.requireNonNull(name, "name"),
                java.util.Objects.requireNonNull(options, "options"));
    }

    /** The environment's name as the server lists it. */
    public String environment() {
        return environment;
    }

    /** The splits, each with its type (train, validation or test). */
    public List<TaskProvider.Split> splits() {
        List<TaskProvider.Split> out = new ArrayList<>();
        for (JsonNode s : get("/" + environment + "/splits")) {
            out.add(new TaskProvider.Split(s.path("name").asString(), s.path("type").asString("validation")));
        }
        return out;
    }

    /** Number of tasks in {@code split}. */
    public int count(String split) {
        return post("/num_tasks", Map.of("split", split)).path("num_tasks").asInt();
    }

    /** Every task of {@code split} (a large split may answer with a preview; {@link #count} is exact). */
    public List<Object> tasks(String split) {
        return list(post("/tasks", Map.of("split", split)).path("tasks"));
    }

    /** Task {@code index} of {@code split}. */
    public Object task(String split, int index) {
        return codec.toPlain(post("/task", Map.of("split", split, "index", index)).path("task"));
    }

    /** Task {@code index} of {@code split} read as {@code type} (unknown members ignored). */
    public <T> T task(String split, int index, Class<T> type) {
        return ClientCore.read(post("/task", Map.of("split", split, "index", index)).path("task"), type);
    }

    /** Tasks {@code [start, stop)} of {@code split} with Python's slice rules; {@code null} bounds are the ends. */
    public List<Object> range(String split, Integer start, Integer stop) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("split", split);
        body.put("start", start);
        body.put("stop", stop);
        return list(post("/task_range", body).path("tasks"));
    }

    private List<Object> list(JsonNode array) {
        List<Object> out = new ArrayList<>();
        array.forEach(n -> out.add(codec.toPlain(n)));
        return out;
    }

    private JsonNode post(String route, Map<String, ?> body) {
        var request = HttpRequest.newBuilder(uri("/" + environment + route)).timeout(options.replyTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(codec.writeBytes(body)));
        options.headers().forEach(request::header);
        return send(request.build());
    }

    private JsonNode get(String path) {
        var request = HttpRequest.newBuilder(uri(path)).timeout(options.replyTimeout()).GET();
        options.headers().forEach(request::header);
        return send(request.build());
    }

    private URI uri(String path) {
        return URI.create(base.toString().replaceAll("/+$", "") + path);
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ConnectException("Failed to reach " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvClientException("Interrupted while waiting for " + request.uri(), e);
        }
        if (response.statusCode() != 200) {
            throw ClientCore.exception(ServerMessage.Error.fromHttp(response.statusCode(), response.body(), codec));
        }
        return codec.parse(response.body());
    }
}
