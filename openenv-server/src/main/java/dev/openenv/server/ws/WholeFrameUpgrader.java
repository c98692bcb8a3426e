package dev.openenv.server.ws;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import dev.openenv.server.http.AllowedOrigins;
import dev.openenv.server.metrics.ServerMetrics;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsUpgrader;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * Helidon's WebSocket upgrade, with frame payloads read into one array.
 *
 * <p>Helidon 4.5 reads a frame's payload as a list of socket-read chunks (8 KiB each on plain sockets)
 * and unmasks it one byte at a time, and each byte read walks that list from its head: time grows with
 * the square of the frame (measured: 2 MiB in 0.5 s, 16 MiB in 26 s and as many CPU-seconds, against
 * 0.25 s for the reference). Here the connection's reader hands the frame reader one contiguous array
 * per payload (a single copy), so unmasking is linear; everything else is Helidon's own upgrade.
 *
 * <p>Origins: Helidon lets through either its own origin or a configured list, not both; here a browser's
 * {@code Origin} passes when it is the server's own (Helidon's check, no list configured) or one of the
 * {@link AllowedOrigins}.
 */
public final class WholeFrameUpgrader extends WsUpgrader {
    private final AllowedOrigins allowed;
    private final ServerMetrics metrics;

    private WholeFrameUpgrader(WsConfig config, AllowedOrigins allowed, ServerMetrics metrics) {
        super(config);
        this.allowed = allowed;
        this.metrics = metrics;
    }

    @Override
    protected void validateOrigin(Headers headers, String origin) {
        if (!allowed.admits(origin)) {
            super.validateOrigin(headers, origin); // same origin, or 403
        }
    }

    /**
     * An HTTP/1 connection selector whose WebSocket upgrade is this one. Added to the listener before the
     * discovered ones, it is the selector that serves every HTTP/1 connection.
     */
    public static ServerConnectionSelector selector(WsConfig config, AllowedOrigins allowed, ServerMetrics metrics) {
        if (!config.origins().isEmpty()) {
            throw new IllegalArgumentException("give allowed origins as AllowedOrigins, not in WsConfig (that would disable the same-origin check)");
        }
        return Http1ConnectionSelector.builder()
                .config(Http1Config.create())
                .addUpgrader(new WholeFrameUpgrader(config, allowed, metrics))
                .build();
    }

    @Override
    public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        WholeFrameContext context = new WholeFrameContext(ctx, metrics);
        ServerConnection upgraded = super.upgrade(context, prologue, headers);
        return upgraded == null ? null : new ReservedOpcodes(upgraded, context);
    }

    /**
     * The upgraded connection, ending quietly on a frame with a reserved opcode: Helidon's frame reader throws
     * {@code IllegalArgumentException} for one, and its HTTP/1 connection logs that as an internal error with a
     * 20-line stack trace, once per connection, which any client could repeat to fill the log. Here it is one
     * INFO line and a close frame with 1002 (protocol error), as RFC 6455 asks, then the connection ends.
     */
    private record ReservedOpcodes(ServerConnection delegate, ConnectionContext ctx) implements ServerConnection {
        private static final System.Logger LOG = System.getLogger(Connection.class.getName());

        @Override
        public void handle(java.util.concurrent.Semaphore requests) throws InterruptedException {
            try {
                delegate.handle(requests);
            } catch (IllegalArgumentException e) {
                refuse(e);
            }
        }

        @Override
        public void handle(io.helidon.common.concurrency.limits.Limit limit) throws InterruptedException {
            try {
                delegate.handle(limit);
            } catch (IllegalArgumentException e) {
                refuse(e);
            }
        }

        private void refuse(IllegalArgumentException e) {
            if (e.getMessage() == null || !e.getMessage().contains("OpCode")) {
                throw e;
            }
            LOG.log(System.Logger.Level.INFO, "peer sent a frame with a reserved opcode (" + e.getMessage() + "); closing with 1002");
            try {
                ctx.dataWriter().writeNow(BufferData.create(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xEA})); // close, 1002
            } catch (RuntimeException gone) {
                // the peer is gone already
            }
        }

        @Override
        public java.time.Duration idleTime() {
            return delegate.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            delegate.close(interrupt);
        }
    }

    /**
     * A reader whose buffers are single arrays: bytes come from the connection's own reader, whatever it
     * holds. Counts them (the WebSocket's bytes received, frame headers included) when metrics are on.
     */
    private static final class WholeFrameReader extends DataReader {
        WholeFrameReader(DataReader source, ServerMetrics metrics) {
            super(() -> {
                try {
                    if (source.available() == 0) {
                        source.pullData(); // blocks for the next socket read; at end of stream it throws
                    }
                    byte[] bytes = source.readBytes(source.available());
                    metrics.received(true, bytes.length);
                    return bytes;
                } catch (InsufficientDataAvailableException e) {
                    return null;
                }
            }, true);
        }

        @Override
        public BufferData readBuffer(int length) {
            return BufferData.create(readBytes(length));
        }
    }

    /** The connection's context, with the whole-frame reader in place of its own. */
    private static final class WholeFrameContext implements ConnectionContext {
        private final ConnectionContext delegate;
        private final DataReader reader;
        private final DataWriter writer;

        WholeFrameContext(ConnectionContext delegate, ServerMetrics metrics) {
            this.delegate = delegate;
            this.reader = new WholeFrameReader(delegate.dataReader(), metrics);
            this.writer = new CountingWriter(delegate.dataWriter(), metrics);
        }

        @Override
        public DataReader dataReader() {
            return reader;
        }

        @Override
        public ListenerContext listenerContext() {
            return delegate.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return delegate.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return writer;
        }

        @Override
        public Router router() {
            return delegate.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return delegate.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return delegate.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return delegate.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return delegate.localPeer();
        }

        @Override
        public boolean isSecure() {
            return delegate.isSecure();
        }

        @Override
        public String socketId() {
            return delegate.socketId();
        }

        @Override
        public String childSocketId() {
            return delegate.childSocketId();
        }
    }

    /** The connection's writer, counting the WebSocket's bytes sent (frame headers included). */
    private record CountingWriter(DataWriter delegate, ServerMetrics metrics) implements DataWriter {
        @Override
        public void write(BufferData... buffers) {
            count(buffers);
            delegate.write(buffers);
        }

        @Override
        public void write(BufferData buffer) {
            metrics.sent(true, buffer.available());
            delegate.write(buffer);
        }

        @Override
        public void writeNow(BufferData... buffers) {
            count(buffers);
            delegate.writeNow(buffers);
        }

        @Override
        public void writeNow(BufferData buffer) {
            metrics.sent(true, buffer.available());
            delegate.writeNow(buffer);
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public void close() {
            delegate.close();
        }

        private void count(BufferData[] buffers) {
            long n = 0;
            for (BufferData b : buffers) {
                n += b.available();
            }
            metrics.sent(true, n);
        }
    }
}
