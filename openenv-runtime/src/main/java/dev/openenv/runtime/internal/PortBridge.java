package dev.openenv.runtime.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP port whose connections are forwarded to a unix socket: how a client on the host
 * reaches a server in a network namespace of its own (a unix socket is a file, so it crosses network
 * namespaces where nothing else can). One virtual thread per direction of each connection.
 */
public final class PortBridge implements AutoCloseable {
    private final ServerSocketChannel listener;
    private final UnixDomainSocketAddress target;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private PortBridge(ServerSocketChannel listener, Path socket) {
        this.listener = listener;
        this.target = UnixDomainSocketAddress.of(socket);
        Thread.ofVirtual().name("openenv-bridge-accept").start(this::acceptLoop);
    }

    /** Listens on {@code 127.0.0.1} and an ephemeral port, forwarding to {@code socket}. */
    public static PortBridge open(Path socket) {
        try {
            var listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new PortBridge(listener, socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on the loopback interface", e);
        }
    }

    public int port() {
        return ((InetSocketAddress) listener.socket().getLocalSocketAddress()).getPort();
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            open.add(client);
            SocketChannel server;
            try {
                server = SocketChannel.open(StandardProtocolFamily.UNIX);
                server.connect(target);
            } catch (IOException e) {
                // Not up yet (or gone): the client sees the connection close, as if refused.
                closeQuietly(client);
                continue;
            }
            open.add(server);
            var directionsLeft = new AtomicInteger(2);
            Thread.ofVirtual().name("openenv-bridge-up").start(() -> pump(client, server, directionsLeft));
            Thread.ofVirtual().name("openenv-bridge-down").start(() -> pump(server, client, directionsLeft));
        }
    }

    /** Copies one direction; when both directions of a connection ended, closes it. */
    private void pump(SocketChannel from, SocketChannel to, AtomicInteger directionsLeft) {
        var buffer = ByteBuffer.allocate(16 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput(); // pass the half-close on; the other direction may still be talking
            if (directionsLeft.decrementAndGet() > 0) {
                return;
            }
        } catch (IOException e) {
            // one side failed or was closed: the whole connection is over
        }
        closeQuietly(from);
        closeQuietly(to);
    }

    private void closeQuietly(SocketChannel channel) {
        open.remove(channel);
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Stops listening and cuts every forwarded connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(this::closeQuietly);
    }
}
