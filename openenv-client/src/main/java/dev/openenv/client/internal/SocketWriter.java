package dev.openenv.client.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending half of {@link NettyWebSocketWire}: the bytes its codec produced reach the socket here, on
 * the thread that produced them. Kept apart from the wire because it owns one thing, the {@code writing}
 * lock, last in the wire's lock order; it never takes the wire's monitor, so a failed write is returned
 * for the wire to act on once {@code writing} is released.
 */
final class SocketWriter {
    private final OutputStream out;
    private final ReentrantLock writing = new ReentrantLock();

    SocketWriter(OutputStream out) {
        this.out = out;
    }

    /** The bytes the protocol wants sent (caller holds the wire's monitor, which guards the channel). */
    static List<ByteBuf> takeOutbound(EmbeddedChannel channel) {
        List<ByteBuf> bufs = new ArrayList<>(2);
        Object o;
        while ((o = channel.readOutbound()) != null) {
            bufs.add((ByteBuf) o);
        }
        return bufs;
    }

    /** Takes {@code writing}; the wire does so before leaving its monitor, so frames go out in request order. */
    void lock() {
        writing.lock();
    }

    /** Writes {@code bufs}; returns the failure, or null. */
    IOException flush(List<ByteBuf> bufs) {
        writing.lock();
        return writeAndUnlock(bufs);
    }

    /** Writes {@code bufs} with {@code writing} held by this thread, then releases it; returns the failure, or null. */
    IOException writeAndUnlock(List<ByteBuf> bufs) {
        try {
            writeLocked(bufs);
            return null;
        } catch (IOException e) {
            return e;
        } finally {
            writing.unlock();
        }
    }

    private void writeLocked(List<ByteBuf> bufs) throws IOException {
        try {
            if (bufs.size() == 1) {
                ByteBuf b = bufs.get(0);
                b.getBytes(b.readerIndex(), out, b.readableBytes());
            } else if (!bufs.isEmpty()) {
                // Header and payload in one write: one segment on the wire, one syscall.
                int size = 0;
                for (ByteBuf b : bufs) {
                    size += b.readableBytes();
                }
                byte[] all = new byte[size];
                int at = 0;
                for (ByteBuf b : bufs) {
                    int len = b.readableBytes();
                    b.getBytes(b.readerIndex(), all, at, len);
                    at += len;
                }
                out.write(all);
            }
            out.flush();
        } finally {
            for (ByteBuf b : bufs) {
                b.release();
            }
        }
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing: nothing left to tell anyone
        }
    }
}
