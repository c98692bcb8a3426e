package dev.openenv.server.http;

import dev.openenv.core.Environment;
import dev.openenv.core.TaskProvider;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.protocol.Failure;
import dev.openenv.server.metrics.ServerMetrics;
import dev.openenv.server.session.Session;
import dev.openenv.server.session.SessionManager;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * 0.10's Task API, served in both modes: {@code GET /list_environments}, {@code GET /{env}/splits},
 * {@code POST /{env}/tasks}, {@code /num_tasks}, {@code /task}, {@code /task_range}. The environment
 * answers through {@link TaskProvider}; one without it gets 0.10's 501. Calls run on the default HTTP
 * session's environment, one at a time like every call of a session.
 */
final class TaskEndpoints {
    private final String envName;
    private final SessionManager sessions;
    private final WireCodec codec;
    private final RequestBodies bodies;
    private final ServerMetrics metrics;

    TaskEndpoints(String envName, SessionManager sessions, WireCodec codec, RequestBodies bodies, ServerMetrics metrics) {
        this.metrics = metrics;
        this.envName = envName;
        this.sessions = sessions;
        this.codec = codec;
        this.bodies = bodies;
    }

    void register(HttpRouting.Builder routing) {
        routing.any("/list_environments", only(Method.GET, (req, res) -> reply(res, List.of(envName))));
        routing.any("/{env}/splits", only(Method.GET, (req, res) -> {
            checkName(req);
            reply(res, call("list_splits", tasks -> tasks.splits()));
        }));
        routing.any("/{env}/tasks", only(Method.POST, (req, res) -> {
            checkName(req);
            var q = bodies.task(bodies.json(req), false, false);
            List<?> tasks = call("list_tasks", t -> t.tasks(t.checkSplit(q.split())));
            reply(res, Map.of("tasks", tasks, "env_name", envName));
        }));
        routing.any("/{env}/num_tasks", only(Method.POST, (req, res) -> {
            checkName(req);
            var q = bodies.task(bodies.json(req), false, false);
            reply(res, Map.of("num_tasks", call("num_tasks", t -> t.taskCount(t.checkSplit(q.split())))));
        }));
        routing.any("/{env}/task", only(Method.POST, (req, res) -> {
            checkName(req);
            var q = bodies.task(bodies.json(req), true, false);
            Object task = call("get_task", t -> t.task(t.checkSplit(q.split()), t.checkIndex(q.split(), q.index())));
            reply(res, java.util.Collections.singletonMap("task", task));
        }));
        routing.any("/{env}/task_range", only(Method.POST, (req, res) -> {
            checkName(req);
            var q = bodies.task(bodies.json(req), false, true);
            reply(res, Map.of("tasks", call("get_task_range", t -> t.taskRange(t.checkSplit(q.split()), q.start(), q.stop()))));
        }));
    }

    private void checkName(ServerRequest req) {
        String name = req.path().pathParameters().get("env");
        if (!name.toLowerCase(Locale.ROOT).equals(envName.toLowerCase(Locale.ROOT))) {
            throw Failure.raise(new Failure.NotFound("unknown environment '" + name + "'"));
        }
    }

    /** Runs {@code operation} on the environment's task provider, mapping what it throws to 0.10's answers. */
    private <T> T call(String operation, Function<TaskProvider<?>, T> work) throws Exception {
        Session session = sessions.defaultHttpSession();
        session.touch();
        return session.await((Environment<?, ?, ?> env) -> {
            if (!(env instanceof TaskProvider<?> tasks)) {
                throw Failure.raise(new Failure.NotSupported(operation + " is not supported for this environment"));
            }
            try {
                return work.apply(tasks);
            } catch (UnsupportedOperationException e) {
                throw Failure.raise(new Failure.NotSupported(operation + " is not supported for this environment"));
            } catch (IndexOutOfBoundsException e) {
                throw Failure.raise(new Failure.BadRequest("Invalid task index"));
            } catch (NoSuchElementException e) {
                throw Failure.raise(new Failure.NotFound(String.valueOf(e.getMessage())));
            }
        }, null);
    }

    private void reply(ServerResponse res, Object value) {
        HttpErrors.json(res, 200, codec.writeBytes(value));
    }

    private Handler only(Method method, Work work) {
        return (req, res) -> {
            if (!req.prologue().method().equals(method)) {
                HttpErrors.send(res, new Failure.MethodNotAllowed(method.text()), codec, metrics);
                return;
            }
            try {
                work.run(req, res);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                HttpErrors.send(res, new Failure.SessionFailed("Server is shutting down"), codec, metrics);
            } catch (Exception e) {
                HttpErrors.send(res, Failure.of(e), codec, metrics);
            }
        };
    }

    @FunctionalInterface
    private interface Work {
        void run(ServerRequest req, ServerResponse res) throws Exception;
    }
}
