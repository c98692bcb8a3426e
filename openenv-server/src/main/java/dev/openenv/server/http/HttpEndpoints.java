package dev.openenv.server.http;

import dev.openenv.core.Action;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.protocol.Failure;
import dev.openenv.server.metrics.ServerMetrics;
import dev.openenv.core.protocol.ProtocolException;
import dev.openenv.core.schema.SchemaFactory;
import dev.openenv.server.ServerMode;
import dev.openenv.server.session.EnvironmentRunner;
import dev.openenv.server.session.Session;
import dev.openenv.server.session.SessionManager;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
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
    private final ServerMetrics metrics;
    /** The schema and OpenAPI documents, built on first request: generating them costs ~100 ms of startup. */
    private volatile byte[][] documents;

    public HttpEndpoints(SessionManager sessions, EnvironmentRunner runner, WireCodec codec,
                         Duration defaultStepTimeout, ServerMode mode, ServerMetrics metrics) {
        this.metrics = metrics;
        this.sessions = sessions;
        this.runner = runner;
        this.codec = codec;
        this.bodies = new RequestBodies(codec);
        this.defaultStepTimeout = defaultStepTimeout;
        this.mode = mode;
    }

    /** Registers every route on {@code routing}; call last, since it ends with the catch-all 404. */
    public void register(HttpRouting.Builder routing) {
        if (mode == ServerMode.SIMULATION) {
            routing.any("/reset", only(Method.POST, this::reset));
            routing.any("/step", only(Method.POST, this::step));
            routing.any("/state", only(Method.GET, this::state));
            routing.any("/session", only(Method.DELETE, this::endSession));
        }
        routing.any("/health", only(Method.GET, (req, res) -> json(res, 200, "{\"status\":\"healthy\"}".getBytes())));
        routing.any("/metadata", only(Method.GET, this::metadata));
        routing.any("/schema", only(Method.GET, (req, res) -> json(res, 200, documents()[0])));
        routing.any("/openapi.json", only(Method.GET, (req, res) -> json(res, 200, documents()[1])));
        new TaskEndpoints(runner.type().name(), sessions, codec, bodies, metrics).register(routing);
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
    public static void registerNotFound(HttpRouting.Builder routing, ServerMetrics metrics) {
        routing.any((req, res) -> HttpErrors.send(res, new Failure.NotFound("Not Found"), WireCodec.standard(), metrics));
    }

    private Handler only(Method method, Handler handler) {
        return (req, res) -> {
            if (req.prologue().method().equals(method)) {
                handler.handle(req, res);
            } else {
                HttpErrors.send(res, new Failure.MethodNotAllowed(method.text()), codec, metrics);
            }
        };
    }

    private void reset(ServerRequest req, ServerResponse res) {
        guarded(res, () -> {
            var args = bodies.reset(bodies.json(req));
            String requested = req.headers().first(SESSION_HEADER).orElse(null);
            Session session = "new".equals(requested) ? sessions.open(Session.Kind.HTTP) : session(requested);
            JsonNode out = withTopLevelMetadata(await(session, env -> runner.reset(session.id(), env, args), null));
            res.header(SESSION_HEADER, session.id());
            json(res, 200, codec.writeBytes(out));
        });
    }

    private void step(ServerRequest req, ServerResponse res) {
        guarded(res, () -> {
            var body = bodies.step(bodies.json(req));
            Action action = runner.decodeAction(body.action());
            Session session = session(req.headers().first(SESSION_HEADER).orElse(null));
            Duration budget = body.timeout() != null ? body.timeout() : defaultStepTimeout;
            JsonNode out = withTopLevelMetadata(await(session, env -> runner.step(session.id(), env, action, body.action(), null, budget).envelope(), budget));
            res.header(SESSION_HEADER, session.id());
            json(res, 200, codec.writeBytes(out));
        });
    }

    private void state(ServerRequest req, ServerResponse res) {
        guarded(res, () -> {
            Session session = session(req.headers().first(SESSION_HEADER).orElse(null));
            JsonNode out = await(session, runner::state, null);
            res.header(SESSION_HEADER, session.id());
            json(res, 200, codec.writeBytes(out));
        });
    }

    /** {@code DELETE /session}: ends the isolated session the header names and frees its slot at once. */
    private void endSession(ServerRequest req, ServerResponse res) {
        guarded(res, () -> {
            String id = req.headers().first(SESSION_HEADER).orElse(null);
            if (id == null || id.equals("default") || id.equals("new")) {
                throw Failure.raise(new Failure.BadRequest("DELETE /session needs the X-OpenEnv-Session header of an isolated session"));
            }
            Session session = sessions.find(id).filter(s -> s.kind() == Session.Kind.HTTP)
                    .orElseThrow(() -> Failure.raise(new Failure.NotFound("Unknown session: " + id)));
            session.close("ended by its client", false);
            res.header(SESSION_HEADER, id);
            json(res, 200, codec.writeBytes(codec.object(java.util.Map.of("session_id", id, "status", "ended"))));
        });
    }

    /** 0.10's HTTP responses always carry {@code metadata}, {@code null} when the step had none (its response model's default). */
    private static ObjectNode withTopLevelMetadata(ObjectNode envelope) {
        if (!envelope.has("metadata")) {
            envelope.putNull("metadata");
        }
        return envelope;
    }

    private void metadata(ServerRequest req, ServerResponse res) {
        guarded(res, () -> {
            Session session;
            try {
                session = sessions.defaultHttpSession();
            } catch (ProtocolException e) {
                if (!(e.failure() instanceof Failure.FactoryFailed)) {
                    throw e;
                }
                // Metadata must stay readable when instances cannot be built. Made here, not at start-up,
                // where serializing it cost ~5 % of a cold start for a path that is rarely taken.
                json(res, 200, codec.writeBytes(dev.openenv.core.EnvironmentMetadata.defaultFor(runner.type().name())));
                return;
            }
            json(res, 200, codec.writeBytes(await(session, runner::metadata, null)));
        });
    }

    private Session session(String id) {
        if (id == null || id.equals("default")) {
            return sessions.defaultHttpSession();
        }
        if (id.equals("new")) {
            throw Failure.raise(new Failure.BadRequest("X-OpenEnv-Session: new is only valid on POST /reset"));
        }
        return sessions.find(id).orElseThrow(() -> Failure.raise(new Failure.NotFound("Unknown session: " + id)));
    }

    /** Runs {@code work} on the session's strand and waits; a step with a budget is given a short grace. */
    private <T> T await(Session session, Session.EnvCall<T> work, Duration budget) throws Exception {
        session.touch();
        try {
            return session.await(work, budget == null ? null : budget.plus(ABANDON_GRACE));
        } catch (TimeoutException e) {
            // The environment ignored the interrupt: give up on this session rather than wait forever.
            var failure = new Failure.Timeout(budget);
            session.abandon(failure, e);
            session.close("environment did not stop after its step timeout", true);
            throw Failure.raise(failure);
        }
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    /** Answers every failure through {@link HttpErrors}; nothing escapes to the server. */
    private void guarded(ServerResponse res, Work work) {
        try {
            work.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            HttpErrors.sendUnlessGone(res, new Failure.SessionFailed("Server is shutting down"), codec, metrics);
        } catch (Exception e) {
            HttpErrors.sendUnlessGone(res, Failure.of(e), codec, metrics);
        }
    }

    private static void json(ServerResponse res, int status, byte[] body) {
        HttpErrors.json(res, status, body);
    }
}
