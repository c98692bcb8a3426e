package dev.openenv.client.internal;

import dev.openenv.client.ClientOptions;
import dev.openenv.client.ConnectException;
import dev.openenv.client.EnvClientException;
import dev.openenv.client.SessionLostException;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.protocol.ClientMessage;
import dev.openenv.core.protocol.ServerMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code /ws} session protocol with Netty's WebSocket codec, driven by the calling thread: the default
 * WebSocket transport.
 *
 * <p>Why not an event loop: a sequential agent sends a step and waits. With any event-loop client (the
 * JDK's, or Netty's own) the reply is read by the loop's thread and handed to the waiting thread, two
 * thread wake-ups per step; on a VM they cost more than everything else together (measured in
 * BENCHMARKS.md, "Java client"). Here the thread that waits for a reply reads the socket itself (a
 * blocking read: the kernel wakes it directly) and runs the codec; the thread that sends writes the frame.
 * Netty supplies the protocol (handshake, masking, fragments, ping/pong, close, TLS) as an
 * {@link EmbeddedChannel}, a pipeline with no threads of its own.
 *
 * <p>Who reads: the caller blocked in {@link #drive} (one at a time; others wait for the read lock, and
 * any reply read is delivered to whichever request it answers, in order); for the async API a virtual
 * thread per waiting request ({@link #driveInBackground}); when nothing waits, a shared timer looks at the
 * socket ten times a second and handles what arrived (pings, the server's close). Reads have no socket
 * timeout (it would cost two more system calls per read); the same timer closes the socket of a read
 * whose reply deadline has passed. Requests may be pipelined (at most {@value #MAX_PENDING} in flight:
 * more fails at once rather than queueing without bound), matched to replies by order (no ids). States:
 * <pre>
 *   OPEN ──close()──▶ CLOSED
 *     └──server closed / network error / reply timeout──▶ LOST (every later call fails)
 * </pre>
 * Lock order: {@code reading}, then {@code this} (codec and pending requests), then {@code writing}
 * ({@link SocketWriter}'s). Connection setup is in {@link WebSocketSetup}.
 */
public final class NettyWebSocketWire implements Wire {
    /** How often the idle poll looks at the socket and at the deadline of the read in progress. */
    private static final long WATCH_MILLIS = 100;
    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();

    private final WireCodec codec = WireCodec.standard();
    private final ClientOptions options;
    private final Socket socket;
    private final InputStream in;
    private final SocketWriter writer; // guarded by its own `writing` lock, last in the lock order
    private final EmbeddedChannel channel; // guarded by this: the protocol, no threads of its own
    private final InboundFrames frames = new InboundFrames();
    private final ReentrantLock reading = new ReentrantLock();
    private final byte[] buffer = new byte[64 * 1024]; // guarded by reading
    private final ArrayDeque<CompletableFuture<ServerMessage>> pending = new ArrayDeque<>(); // guarded by this
    private final CompletableFuture<Void> serverClosed = new CompletableFuture<>();
    private final ScheduledFuture<?> watchdog;
    private volatile long readDeadline; // System.nanoTime() by which the read in progress must end; 0: none
    private volatile boolean deadlinePassed;
    private RuntimeException lost; // guarded by this; set once the session is unusable
    private ServerMessage.Error unsolicited; // guarded by this; an error frame nobody asked for: every later reply
    private boolean released; // guarded by this: channel released, socket closed

    private NettyWebSocketWire(ClientOptions options, URI uri) {
        this.options = options;
        var to = WebSocketSetup.Endpoint.of(uri);
        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        var handlers = WebSocketSetup.handlers(to, options, frames); // first: a TLS failure leaves no socket open
        var connected = WebSocketSetup.open(to, options);
        this.socket = connected.socket();
        this.in = connected.in();
        this.writer = new SocketWriter(connected.out());
        // Building the channel activates it: the TLS hello and the upgrade request are queued for the socket.
        this.channel = new EmbeddedChannel(handlers);
        this.watchdog = WebSocketSetup.Idle.POLLER.scheduleWithFixedDelay(this::watch, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
        try {
            flush(SocketWriter.takeOutbound(channel));
            drive(frames.opened, deadline, () -> new TimeoutException("no WebSocket handshake within " + options.connectTimeout().toMillis() + " ms"));
            frames.opened.get(0, TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            release();
            Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            throw new ConnectException("Failed to connect to " + uri + ": " + cause, cause);
        }
    }

    /** Opens the WebSocket at {@code uri} (already ending in {@code /ws}). */
    public static NettyWebSocketWire connect(ClientOptions options, URI uri) {
        return new NettyWebSocketWire(options, uri);
    }

    /** Requests sent and not yet answered (or failed), across all clients of this transport in this JVM. */
    public static int requestsInFlight() {
        return IN_FLIGHT.get();
    }

    @Override
    public CompletableFuture<ServerMessage> send(ClientMessage message) {
        byte[] bytes = codec.writeBytes(message.toJson());
        var reply = new CompletableFuture<ServerMessage>();
        List<ByteBuf> wire;
        synchronized (this) {
            if (unsolicited != null) {
                return CompletableFuture.completedFuture(unsolicited);
            }
            if (lost != null) {
                return CompletableFuture.failedFuture(lost);
            }
            if (!channel.isOpen()) {
                // The server's close frame was just read (on another thread) and the session is about to be failed.
                return CompletableFuture.failedFuture(new SessionLostException("Connection closed by the server"));
            }
            if (pending.size() >= MAX_PENDING) {
                return CompletableFuture.failedFuture(new EnvClientException(
                        "More than " + MAX_PENDING + " requests in flight on one session; wait for replies before sending more"));
            }
            try {
                channel.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
            } catch (Exception failed) {
                // The pipeline rethrows on a write what it recorded before: a ClosedChannelException when the
                // connection went down under this send (seen when a pod was killed: the raw exception reached the
                // caller, and EnvPool did not see a lost session).
                return CompletableFuture.failedFuture(new SessionLostException("Connection closed by the server", failed));
            }
            pending.add(reply);
            IN_FLIGHT.incrementAndGet();
            wire = SocketWriter.takeOutbound(channel);
            writer.lock(); // taken before `this` is left, so frames reach the socket in the order of `pending`
        }
        sent(writer.writeAndUnlock(wire));
        return reply;
    }

    /**
     * Reads the socket on this thread until {@code until} completes, the reply timeout passes (the session
     * is then dropped: a late reply would be read as the answer to the next request) or the connection ends.
     */
    @Override
    public void drive(CompletableFuture<?> until) {
        long timeout = options.replyTimeout().toMillis();
        drive(until, System.nanoTime() + options.replyTimeout().toNanos(),
                () -> new SessionLostException("No reply within " + timeout + " ms; connection dropped",
                        new TimeoutException("reply timeout of " + timeout + " ms")));
    }

    /** The same as {@link #drive(CompletableFuture)} on a virtual thread, for callers of the async API. */
    @Override
    public void driveInBackground(CompletableFuture<?> until) {
        if (!until.isDone()) {
            Thread.ofVirtual().name("openenv-client-read").start(() -> drive(until));
        }
    }

    private void drive(CompletableFuture<?> until, long deadline, java.util.function.Supplier<Exception> onTimeout) {
        while (!until.isDone()) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !reading.tryLock(left, TimeUnit.NANOSECONDS)) {
                    timedOut(until, onTimeout.get());
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                until.completeExceptionally(new EnvClientException("Interrupted while waiting for the server", e));
                return;
            }
            try {
                while (!until.isDone()) {
                    left = deadline - System.nanoTime();
                    if (left <= 0) {
                        timedOut(until, onTimeout.get());
                        return;
                    }
                    int n;
                    try {
                        // No SO_TIMEOUT: it would turn every read into read + poll + read. The watchdog
                        // closes the socket instead when the deadline passes.
                        readDeadline = deadline;
                        n = in.read(buffer);
                    } catch (IOException e) {
                        if (deadlinePassed) {
                            timedOut(until, onTimeout.get());
                        } else {
                            lose(new SessionLostException("Connection failed: " + e.getMessage(), e), until);
                        }
                        return;
                    } finally {
                        readDeadline = 0;
                    }
                    if (n < 0) {
                        lose(new SessionLostException("Connection closed by the server"), until);
                        return;
                    }
                    feed(n);
                }
            } finally {
                reading.unlock();
            }
        }
    }

    private void timedOut(CompletableFuture<?> until, Exception reason) {
        if (reason instanceof RuntimeException r) {
            lose(r, until);
        } else {
            lose(new SessionLostException(reason.getMessage(), reason), until);
        }
    }

    /** Ends the session with {@code cause} and makes sure {@code until} is done too. */
    private void lose(RuntimeException cause, CompletableFuture<?> until) {
        fail(cause);
        until.completeExceptionally(cause);
    }

    /**
     * Every {@value #WATCH_MILLIS} ms: ends a read whose deadline passed (by closing the socket), and when
     * nothing waits for a reply handles what the server sent meanwhile (pings, its close), without blocking.
     */
    private void watch() {
        long d = readDeadline;
        if (d != 0 && System.nanoTime() - d > 0) {
            deadlinePassed = true;
            SocketWriter.closeQuietly(socket);
            return;
        }
        if (!reading.tryLock()) {
            return; // someone is reading
        }
        try {
            int available;
            while ((available = in.available()) > 0) {
                int n = in.read(buffer, 0, Math.min(available, buffer.length));
                if (n < 0) {
                    fail(new SessionLostException("Connection closed by the server"));
                    return;
                }
                feed(n);
            }
        } catch (IOException e) {
            fail(new SessionLostException("Connection failed: " + e.getMessage(), e));
        } finally {
            reading.unlock();
        }
    }

    /** Runs {@code n} bytes just read through the protocol; completes the requests they answer (reading lock held). */
    private void feed(int n) {
        List<byte[]> texts;
        List<CompletableFuture<ServerMessage>> answered = new ArrayList<>(1);
        List<ByteBuf> replies;
        synchronized (this) {
            if (released) {
                return;
            }
            channel.writeInbound(Unpooled.copiedBuffer(buffer, 0, n));
            texts = frames.takeTexts();
            for (int i = 0; i < texts.size(); i++) {
                answered.add(pending.poll()); // null: a message nobody asked for
            }
            replies = SocketWriter.takeOutbound(channel); // pongs, the answer to a close
            Object stray;
            while ((stray = channel.readInbound()) != null) {
                ReferenceCountUtil.release(stray); // nothing else reaches the end of the pipeline; never let it pile up
            }
        }
        if (!replies.isEmpty()) {
            flush(replies);
        }
        for (int i = 0; i < texts.size(); i++) {
            deliver(texts.get(i), answered.get(i));
        }
        if (frames.closedBy != null) {
            serverClosed.complete(null);
            fail(new SessionLostException("Server closed the session (" + frames.closedBy + ")"));
        } else if (frames.failure != null) {
            fail(new SessionLostException("Connection failed: " + frames.failure.getMessage(), frames.failure));
        }
    }

    private void deliver(byte[] utf8, CompletableFuture<ServerMessage> request) {
        ServerMessage message;
        try {
            message = ServerMessage.parse(codec.parse(utf8));
        } catch (RuntimeException e) {
            var cause = new SessionLostException("Server sent a frame that is not JSON: " + e.getMessage(), e);
            if (request != null) {
                IN_FLIGHT.decrementAndGet();
                request.completeExceptionally(cause);
            }
            fail(cause);
            return;
        }
        if (request == null) {
            synchronized (this) {
                if (message instanceof ServerMessage.Error e && unsolicited == null) {
                    unsolicited = e; // e.g. CAPACITY_REACHED right after connecting, or an idle timeout
                }
            }
            return;
        }
        IN_FLIGHT.decrementAndGet();
        request.complete(message);
    }

    /** Ends the session: waiting requests get the server's unsolicited error if it sent one (its reason), else {@code cause}. */
    private void fail(RuntimeException cause) {
        List<CompletableFuture<ServerMessage>> failed;
        ServerMessage.Error reason;
        synchronized (this) {
            if (lost == null) {
                lost = cause;
            }
            failed = new ArrayList<>(pending);
            pending.clear();
            reason = unsolicited;
        }
        for (var p : failed) {
            IN_FLIGHT.decrementAndGet();
            if (reason != null) {
                p.complete(reason);
            } else {
                p.completeExceptionally(cause);
            }
        }
        release();
    }

    @Override
    public void close() {
        List<ByteBuf> goodbye;
        synchronized (this) {
            if (lost != null || !channel.isOpen()) {
                goodbye = null;
                if (lost == null) {
                    lost = new EnvClientException("Client is closed");
                }
            } else {
                lost = new EnvClientException("Client is closed");
                // Say goodbye, then wait for the server's close frame: the server ends the session (and
                // frees its slot) before it sends it, so the next client finds room even on a full server.
                try {
                    channel.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(codec.writeBytes(new ClientMessage.Close().toJson()))),
                            new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
                    goodbye = SocketWriter.takeOutbound(channel);
                } catch (Exception failed) {
                    goodbye = null; // the connection went down (see send): nothing to say goodbye on
                }
            }
        }
        if (goodbye != null) {
            flush(goodbye);
            drive(serverClosed, System.nanoTime() + TimeUnit.SECONDS.toNanos(2), () -> new TimeoutException("no close frame"));
        }
        fail(new EnvClientException("Client is closed"));
    }

    /** Closes the socket, stops the idle poll and frees the codec's buffers. Idempotent. */
    private void release() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            channel.finishAndReleaseAll();
        }
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        SocketWriter.closeQuietly(socket);
    }

    private void flush(List<ByteBuf> bufs) {
        sent(writer.flush(bufs));
    }

    /** A failed write ends the session; called once {@code writing} is released, as failing takes {@code this}. */
    private void sent(IOException failed) {
        if (failed != null) {
            fail(new SessionLostException("Failed to send to the server: " + failed.getMessage(), failed));
        }
    }
}
