package dev.openenv.server.http;

import dev.openenv.core.Action;
import dev.openenv.core.json.ActionValidationException;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.schema.SchemaFactory;
import dev.openenv.server.ServerMode;
import dev.openenv.server.session.CapacityReachedException;
import dev.openenv.server.session.EnvironmentRunner;
import dev.openenv.server.session.FactoryException;
import dev.openenv.server.session.Session;
import dev.openenv.server.session.SessionManager;
import dev.openenv.server.session.StepTimeoutException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HTTP routes: {@code /reset}, {@code /step}, {@code /state} (simulation mode only), {@code /health},
 * {@code /metadata}, {@code /schema}, {@code /openapi.json}, plus the reference's 404/405 answers.
 *
 * <p>HTTP sessions are real (docs/compatibility.md): requests without an {@code X-OpenEnv-Session}
 * header share one default session; {@code POST /reset} with {@code X-OpenEnv-Session: new} opens an
 * isolated one whose id comes back in the same header.
 */
public final class HttpEndpoints {
    /** Request and response header naming the HTTP session. */
    public static final HeaderName SESSION_HEADER = HeaderNames.create("X-OpenEnv-Session");
    private static final Duration ABANDON_GRACE = Duration.ofSeconds(5);

    private final SessionManager sessions;
    private final EnvironmentRunner runner;
    private final WireCodec codec;
    private final RequestBodies bodies;
    private final Duration defaultStepTimeout;
    private final ServerMode mode;
    private final byte[] metadataFallback;
    /** The schema and OpenAPI documents, built on first request: generating them costs ~100 ms of startup. */
    private volatile byte[][] documents;

    public HttpEndpoints(SessionManager sessions, EnvironmentRunner runner, WireCodec codec,
                         Duration defaultStepTimeout, ServerMode mode) {
        this.sessions = sessions;
        this.runner = runner;
        this.codec = codec;
        this.bodies = new RequestBodies(codec);
        this.defaultStepTimeout = defaultStepTimeout;
        this.mode = mode;
        this.metadataFallback = codec.writeBytes(dev.openenv.core.EnvironmentMetadata.defaultFor(runner.type().name()));
    }

    /** Registers every route on {@code routing}; call last, since it ends with the catch-all 404. */
    public void register(HttpRouting.Builder routing) {
        if (mode == ServerMode.SIMULATION) {
            routing.any("/reset", only(Method.POST, this::reset));
            routing.any("/step", only(Method.POST, this::step));
            routing.any("/state", only(Method.GET, this::state));
        }
        routing.any("/health", only(Method.GET, (req, res) -> json(res, 200, "{\"status\":\"healthy\"}".getBytes())));
        routing.any("/metadata", only(Method.GET, this::metadata));
        routing.any("/schema", only(Method.GET, (req, res) -> json(res, 200, documents()[0])));
        routing.any("/openapi.json", only(Method.GET, (req, res) -> json(res, 200, documents()[1])));
    }

    private byte[][] documents() {
        byte[][] docs = documents;
        if (docs == null) {
            synchronized (this) {
                docs = documents;
                if (docs == null) {
                    ObjectNode schemaDoc = SchemaFactory.standard().environmentSchema(runner.type());
                    docs = new byte[][] {codec.writeBytes(schemaDoc), codec.writeBytes(OpenApiDocument.build(schemaDoc, mode))};
                    documents = docs;
                }
            }
        }
        return docs;
    }

    /** The catch-all that answers unknown paths like the reference does. */
    public static void registerNotFound(HttpRouting.Builder routing) {
        routing.any((req, res) -> detail(res, 404, "Not Found"));
    }

    private static Handler only(Method method, Handler handler) {
        return (req, res) -> {
            if (req.prologue().method().equals(method)) {
                handler.handle(req, res);
            } else {
                res.header(HeaderNames.ALLOW, method.text());
                detail(res, 405, "Method Not Allowed");
            }
        };
    }

    private void reset(ServerRequest req, ServerResponse res) {
        guarded(res, () -> {
            var args = bodies.reset(bodies.json(req));
            String requested = req.headers().first(SESSION_HEADER).orElse(null);
            Session session = "new".equals(requested) ? sessions.open(Session.Kind.HTTP) : session(requested);
            JsonNode out = await(session, () -> runner.reset(session, args), null);
            res.header(SESSION_HEADER, session.id());
            json(res, 200, codec.writeBytes(out));
        });
    }

    private void step(ServerRequest req, ServerResponse res) {
        guarded(res, () -> {
            var body = bodies.step(bodies.json(req));
            Action action;
            try {
                action = runner.decodeAction(body.action());
            } catch (ActionValidationException e) {
                // Action errors are the reference's raw pydantic list: loc relative to the action, with url.
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                out.set("detail", codec.errors(e.errors(), true));
                json(res, 422, codec.writeBytes(out));
                return;
            }
            Session session = session(req.headers().first(SESSION_HEADER).orElse(null));
            Duration budget = body.timeout() != null ? body.timeout() : defaultStepTimeout;
            JsonNode out = await(session, () -> runner.step(session, action, budget), budget);
            res.header(SESSION_HEADER, session.id());
            json(res, 200, codec.writeBytes(out));
        });
    }

    private void state(ServerRequest req, ServerResponse res) {
        guarded(res, () -> {
            Session session = session(req.headers().first(SESSION_HEADER).orElse(null));
            JsonNode out = await(session, () -> runner.state(session), null);
            res.header(SESSION_HEADER, session.id());
            json(res, 200, codec.writeBytes(out));
        });
    }

    private void metadata(ServerRequest req, ServerResponse res) {
        guarded(res, () -> {
            Session session;
            try {
                session = sessions.defaultHttpSession();
            } catch (FactoryException e) {
                // Metadata must stay readable when instances cannot be built.
                json(res, 200, metadataFallback);
                return;
            }
            json(res, 200, codec.writeBytes(await(session, () -> runner.metadata(session), null)));
        });
    }

    private Session session(String id) {
        if (id == null || id.equals("default")) {
            return sessions.defaultHttpSession();
        }
        if (id.equals("new")) {
            throw new HttpError(400, "X-OpenEnv-Session: new is only valid on POST /reset");
        }
        return sessions.find(id).orElseThrow(() -> new HttpError(404, "Unknown session: " + id));
    }

    /** Runs {@code work} on the session's thread and waits; a step with a budget is given a short grace. */
    private <T> T await(Session session, Callable<T> work, Duration budget) throws Exception {
        session.touch();
        var future = session.submit(work);
        try {
            if (budget == null) {
                return future.get();
            }
            return future.get(budget.plus(ABANDON_GRACE).toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // The environment ignored the interrupt: give up on this session rather than wait forever.
            session.close("environment did not stop after its step timeout", true);
            throw new StepTimeoutException(budget);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    /** Maps every failure to a status and a {@code {"detail":…}} body; nothing escapes to the server. */
    private void guarded(ServerResponse res, Work work) {
        try {
            work.run();
        } catch (BodyValidationException e) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.set("detail", codec.errors(e.errors(), false));
            json(res, 422, codec.writeBytes(out));
        } catch (ActionValidationException e) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.set("detail", codec.errors(e.errors(), true));
            json(res, 422, codec.writeBytes(out));
        } catch (HttpError e) {
            detail(res, e.status, e.getMessage());
        } catch (CapacityReachedException e) {
            detail(res, 503, e.getMessage());
        } catch (StepTimeoutException e) {
            detail(res, 504, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            detail(res, 503, "Server is shutting down");
        } catch (Exception e) {
            Throwable t = e instanceof FactoryException && e.getCause() != null ? e : e;
            detail(res, 500, t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
        }
    }

    static void detail(ServerResponse res, int status, String message) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("detail", message);
        json(res, status, WireCodec.standard().writeBytes(out));
    }

    static void json(ServerResponse res, int status, byte[] body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }

    /** A plain HTTP error with a status and a detail message. */
    static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
