package dev.openenv.server.ws;

import dev.openenv.core.json.WireCodec;
import dev.openenv.core.protocol.Failure;
import dev.openenv.core.protocol.ProtocolException;
import dev.openenv.server.session.Session;
import dev.openenv.server.session.SessionManager;
import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.JsonNode;

/**
 * One WebSocket connection, whatever its {@link Dialect}: opens (or attaches to) a session when the
 * socket opens, refusing with the dialect's error frame at capacity; assembles fragmented text; answers
 * each message in order; keeps the peer honest with pings ({@link Heartbeat}); and ends the session
 * however the connection ends. States:
 * <pre>
 *   connecting ──session bound──▶ open ──close / error / lost / silent──▶ ended
 *        └──refused (capacity, factory, unknown session)──▶ closed with an error frame
 * </pre>
 *
 * <p>Helidon reads each connection on one virtual thread, and a WebSocket session's calls run right on
 * it (no handoff). While a message is being answered that thread reads nothing, pongs included, so
 * liveness counts only the time the connection is actually reading: a step longer than two ping periods
 * never costs the session, and the silence clock restarts when the answer has been sent.
 */
public final class Connection implements WsListener {
    /** How the connection holds its session. */
    private sealed interface Binding {
        Session session();

        /** A session made for this connection; it ends with the connection. */
        record Own(Session session) implements Binding {}

        /** An HTTP session this connection speaks for ({@code ?session_id=}); it outlives the connection. */
        record Attached(Session session) implements Binding {}
    }

    private final SessionManager sessions;
    private final Heartbeat heartbeat;
    private final Dialect dialect;
    private final WireCodec codec;
    private final StringBuilder partial = new StringBuilder();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Binding binding;
    private volatile WsSession ws;
    private volatile Thread reader;
    private volatile boolean answering;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile long lastPingNanos = System.nanoTime();

    public Connection(SessionManager sessions, Heartbeat heartbeat, Dialect dialect, WireCodec codec) {
        this.sessions = sessions;
        this.heartbeat = heartbeat;
        this.dialect = dialect;
        this.codec = codec;
    }

    @Override
    public void onOpen(WsSession ws) {
        this.ws = ws;
        Binding bound;
        try {
            bound = bind(ws);
        } catch (ProtocolException e) {
            refuse(ws, e.failure());
            return;
        } catch (RuntimeException e) {
            refuse(ws, new Failure.SessionFailed(String.valueOf(e.getMessage())));
            return;
        }
        binding = bound;
        // The silence clock starts now, not when the upgrade began: building the environment is not the
        // peer being silent (a factory slower than two ping periods got the peer dropped on the first look).
        heard();
        // Helidon does not tell the listener when the peer vanishes without a close frame; the reader
        // thread ending is how the heartbeat notices.
        Thread readerThread = Thread.currentThread();
        reader = readerThread;
        if (readerThread.isVirtual()) {
            // Free the slot the moment the connection's reader ends (TCP reset, EOF without a close
            // frame), as the reference does, rather than at the heartbeat's next look: a trainer that
            // reconnects after a crash at full capacity must find its slot. A parked virtual thread costs
            // about a kilobyte; the heartbeat's check stays as the fallback.
            Thread.ofVirtual().name("openenv-ws-end").start(() -> {
                try {
                    readerThread.join();
                    end("connection lost");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        bound.session().ended().thenAccept(ending -> {
            if (ending.byServer() && !ended.get()) {
                refuse(ws, new Failure.SessionFailed(ending.reason()));
            }
        });
        heartbeat.watch(this);
    }

    private Binding bind(WsSession ws) {
        java.util.Optional<String> attachTo = dialect.attachable() ? ws.prologue().query().first("session_id").asOptional() : java.util.Optional.empty();
        if (attachTo.isEmpty()) {
            return new Binding.Own(sessions.open(Session.Kind.WEBSOCKET));
        }
        String id = attachTo.get();
        Session target = sessions.find(id).filter(s -> s.kind() == Session.Kind.HTTP)
                .orElseThrow(() -> Failure.raise(new Failure.SessionFailed("Unknown session_id: " + id)));
        if (!target.attach()) {
            throw Failure.raise(new Failure.SessionFailed("Session " + id + " already has an attached WebSocket"));
        }
        return new Binding.Attached(target);
    }

    @Override
    public void onMessage(WsSession ws, String text, boolean last) {
        heard();
        String message;
        if (!last || !partial.isEmpty()) {
            partial.append(text);
            if (!last) {
                return;
            }
            message = partial.toString();
            partial.setLength(0);
        } else {
            message = text;
        }
        Binding bound = binding;
        if (bound == null) {
            return; // refused at open; the close is on its way
        }
        Session session = bound.session();
        session.touch();
        answering = true;
        try {
            switch (dialect.answer(session, message)) {
                case Dialect.Reply.Send send -> send(ws, send.frame());
                case Dialect.Reply.Silence silence -> { }
                case Dialect.Reply.Hangup hangup -> {
                    end(hangup.reason());
                    ws.close(1000, "");
                }
            }
        } finally {
            heard(); // the reader reads again from now: silence before this was ours, not the peer's
            answering = false;
        }
    }

    @Override
    public void onMessage(WsSession ws, BufferData buffer, boolean last) {
        heard();
        if (binding != null && last) {
            // The reference ends the session here; we answer and keep it (docs/compatibility.md).
            send(ws, dialect.binaryRefused());
        }
    }

    @Override
    public void onPong(WsSession ws, BufferData buffer) {
        heard();
    }

    @Override
    public void onPing(WsSession ws, BufferData buffer) {
        heard();
        ws.pong(buffer);
    }

    @Override
    public void onClose(WsSession ws, int status, String reason) {
        end("client closed the connection");
    }

    @Override
    public void onError(WsSession ws, Throwable t) {
        end("connection error: " + t.getMessage());
    }

    private void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /**
     * The heartbeat's look at this connection (on its timer thread): ends it when the reader thread is
     * gone or the peer has been silent for two ping periods of reading with its last ping unanswered for a
     * whole period, and pings it after one.
     */
    void check(long now) {
        Thread r = reader;
        if (r != null && !r.isAlive()) {
            end("connection lost");
            return;
        }
        long interval = heartbeat.pingInterval().toNanos();
        if (interval == 0) {
            return;
        }
        boolean busy = answering; // read before lastHeardNanos: the reader writes them in the other order
        long silent = now - lastHeardNanos;
        // The last ping must have had a whole period to be answered: the timer ticks at half a period, so a
        // ping can go out well after one period of silence, and its pong was otherwise given as little as
        // one tick (measured: a pong 50 ms after a ping at a 100 ms period cost a healthy peer its session).
        boolean pingUnanswered = now - lastPingNanos >= interval;
        if (!busy && silent > 2 * interval && pingUnanswered) {
            // Half-open connection: the peer stopped answering pings.
            end("peer stopped answering pings");
            ws.terminate();
        } else if (silent >= interval && now - lastPingNanos >= interval) {
            lastPingNanos = now;
            ws.ping(BufferData.empty());
        }
    }

    /** Lets go of the session: ends an own one, detaches an attached one. Idempotent. */
    private void end(String reason) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        heartbeat.forget(this);
        Binding bound = binding;
        if (bound == null) {
            return;
        }
        switch (bound) {
            case Binding.Own own -> own.session().close(reason, false);
            // The session belongs to its creator: it ends with openenv/session/close or the idle timeout.
            case Binding.Attached attached -> attached.session().detach();
        }
    }

    private void send(WsSession ws, JsonNode frame) {
        ws.send(codec.write(frame), true);
    }

    private void refuse(WsSession ws, Failure failure) {
        try {
            send(ws, dialect.failure(failure));
            ws.close(1000, "");
        } catch (RuntimeException ignored) {
            // The peer is already gone.
        }
    }
}
