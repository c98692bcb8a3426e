package dev.openenv.server.ws;

import dev.openenv.core.json.WireCodec;
import dev.openenv.core.protocol.Failure;
import dev.openenv.core.protocol.ProtocolException;
import dev.openenv.server.metrics.ServerMetrics;
import dev.openenv.server.session.Session;
import dev.openenv.server.session.SessionManager;
import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.websocket.WsCloseCodes;
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
 *
 * <p>Bounds: a message is at most {@code maxMessageBytes} (UTF-8) however many fragments carry it; past
 * that the connection is closed with 1009 and its partial message dropped ({@link Fragments}). No timer
 * thread ever writes: pings, refusals and closes started by a timer go to a per-connection writer
 * ({@link Sends}), and a send, by any thread, that has not finished within the heartbeat's send timeout drops
 * the peer: its session ends at once (freeing the slot) and its socket is closed under the stuck write.
 */
public final class Connection implements WsListener {
    private static final System.Logger LOG = System.getLogger(Connection.class.getName());
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
    private final ServerMetrics metrics;
    private final Fragments fragments; // reader thread only
    private final Sends sends;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Binding binding;
    private volatile WsSession ws;
    private volatile Thread reader;
    private volatile boolean answering;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile long lastPingNanos = System.nanoTime();

    public Connection(SessionManager sessions, Heartbeat heartbeat, Dialect dialect, WireCodec codec, int maxMessageBytes,
                      ServerMetrics metrics) {
        this.metrics = metrics;
        this.sessions = sessions;
        this.heartbeat = heartbeat;
        this.dialect = dialect;
        this.codec = codec;
        this.fragments = new Fragments(maxMessageBytes);
        this.sends = new Sends(heartbeat, this::sessionId);
    }

    @Override
    public void onOpen(WsSession ws) {
        this.ws = ws;
        Binding bound;
        try {
            bound = bind(ws);
        } catch (ProtocolException e) {
            counted(e.failure());
            sends.timed(() -> refuse(ws, e.failure()));
            return;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "session -: opening a session failed", e);
            sends.timed(() -> refuse(ws, counted(new Failure.SessionFailed(String.valueOf(e.getMessage())))));
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
                // Often on the reaper's thread or at shutdown: the writer tells the peer, never the caller.
                sends.later(() -> refuse(ws, new Failure.SessionFailed(ending.reason())));
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
        if (last && fragments.empty()) {
            message = text; // the common case: a whole message in one frame, not copied
        } else {
            switch (fragments.add(text, last)) {
                case Fragments.Outcome.Whole whole -> message = whole.message();
                case Fragments.Outcome.Partial partial -> {
                    return;
                }
                case Fragments.Outcome.TooBig tooBig -> {
                    tooBig(ws);
                    return;
                }
            }
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
                case Dialect.Reply.Send send -> send(ws, send);
                case Dialect.Reply.Silence silence -> { }
                case Dialect.Reply.Hangup hangup -> {
                    // An own session ends (its slot is free) before the close frame goes out: a client that waits
                    // for that frame may open its next session at once, even on a full server (EnvPoolTest saw a
                    // slot still taken after close() had returned). The connection ends after the close, so a
                    // close that blocks is still watched by the send timeout.
                    if (bound instanceof Binding.Own own) {
                        own.session().close(hangup.reason(), false);
                    }
                    sends.timed(() -> ws.close(1000, ""));
                    end(hangup.reason());
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
        // Most often the peer went away mid-answer: one line, not a stack trace per dropped client.
        LOG.log(System.Logger.Level.DEBUG, () -> "session " + sessionId() + ": connection error: " + t, t);
        end("connection error: " + t.getMessage());
    }

    /** Closes with 1009 a connection whose message outgrew the limit, and stops reading it. */
    private void tooBig(WsSession ws) {
        LOG.log(System.Logger.Level.INFO, "session " + sessionId() + ": message of more than " + fragments.maxMessageBytes()
                + " bytes (in fragments); closing with 1009");
        sends.timed(() -> ws.close(WsCloseCodes.TOO_BIG, "Message too big")); // watched: before end()
        end("message too big");
        ws.terminate(); // throws: Helidon then closes the socket instead of reading the rest of the flood
    }

    private String sessionId() {
        Binding bound = binding;
        return bound == null ? "-" : bound.session().id();
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
        if (sends.stuck(now)) {
            LOG.log(System.Logger.Level.INFO, "session " + sessionId() + ": peer stopped reading (a send blocked for more than "
                    + heartbeat.sendTimeout().toMillis() + " ms); dropping it");
            end("peer stopped reading");
            drop();
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
            LOG.log(System.Logger.Level.INFO, "session " + sessionId() + ": peer stopped answering pings; dropping it");
            end("peer stopped answering pings");
            drop();
        } else if (silent >= interval && now - lastPingNanos >= interval && !sends.writerBusy()) {
            lastPingNanos = now;
            sends.later(() -> ws.ping(BufferData.empty()));
        }
    }

    /**
     * Closes the socket under whatever is blocked on it (a write to a peer that does not read, a read from
     * one that vanished), off the caller's thread: the writes fail, the reader ends, Helidon cleans up.
     */
    private void drop() {
        WsSession s = ws;
        Thread.ofVirtual().name("openenv-ws-drop").start(() -> {
            try {
                if (s.socketContext() instanceof ConnectionContext ctx) {
                    ctx.serverSocket().close();
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing a dropped connection failed", e);
            }
        });
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

    private Failure counted(Failure failure) {
        metrics.failed(failure);
        return failure;
    }

    private void send(WsSession ws, JsonNode frame) {
        send(ws, new Dialect.Reply.Send(frame));
    }

    /** An answer: its text goes to the peer, and to whoever asked to see it (the recorder). */
    private void send(WsSession ws, Dialect.Reply.Send send) {
        String text = null;
        try {
            text = codec.write(send.frame());
        } finally {
            if (send.written() != null) {
                try {
                    send.written().accept(text);
                } catch (RuntimeException e) { // the answer still goes out
                    LOG.log(System.Logger.Level.WARNING, "session " + sessionId() + ": recording an answer failed: " + e, e);
                }
            }
        }
        String answer = text;
        sends.timed(() -> ws.send(answer, true));
    }

    /** Tells the peer of {@code failure} and closes; the caller's thread writes (see {@link Sends}). */
    private void refuse(WsSession ws, Failure failure) {
        try {
            ws.send(codec.write(dialect.failure(failure)), true);
            ws.close(1000, "");
        } catch (RuntimeException ignored) {
            // The peer is already gone.
        }
    }
}
