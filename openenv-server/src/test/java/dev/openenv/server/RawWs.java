package dev.openenv.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket peer on a plain socket, for the faults a well-behaved client cannot produce: fragments of any
 * size, frames far larger than a library would send, never reading, vanishing without a close frame.
 * Frames are masked with a zero key (allowed by RFC 6455, and it keeps a 16 MB frame cheap to build).
 */
final class RawWs implements AutoCloseable {
    static final int TEXT = 0x1;
    static final int CONTINUATION = 0x0;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** A frame from the server. */
    record Frame(int opcode, boolean fin, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame. */
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private RawWs(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    }

    /** Upgrades a fresh connection to {@code port} on {@code path}; {@code receiveBuffer} > 0 shrinks the socket's receive buffer first. */
    static RawWs open(int port, String path, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(30_000);
        RawWs ws = new RawWs(socket);
        ws.out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        String status = ws.readHeaders();
        if (!status.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("upgrade refused: " + status);
        }
        return ws;
    }

    static RawWs open(int port, String path) throws IOException {
        return open(port, path, 0);
    }

    private String readHeaders() throws IOException {
        var head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the upgrade");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String all = head.toString(StandardCharsets.US_ASCII);
        return all.substring(0, all.indexOf('\r'));
    }

    /** Sends one frame: {@code opcode}, FIN bit, {@code payload} (masked with a zero key). */
    void send(int opcode, boolean fin, byte[] payload) throws IOException {
        out.write(header(opcode, fin, payload.length));
        out.write(payload);
        out.flush();
    }

    /** Sends the header of a frame of {@code length} bytes, whose payload the caller then streams with {@link #stream}. */
    void sendHeader(int opcode, boolean fin, long length) throws IOException {
        out.write(header(opcode, fin, length));
    }

    /** Streams payload bytes of a frame begun with {@link #sendHeader}. */
    void stream(byte[] bytes, int off, int len) throws IOException {
        out.write(bytes, off, len);
    }

    void flush() throws IOException {
        out.flush();
    }

    void sendText(String text) throws IOException {
        send(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] header(int opcode, boolean fin, long length) {
        byte[] h;
        int at;
        if (length < 126) {
            h = new byte[2 + 4];
            h[1] = (byte) (0x80 | length);
            at = 2;
        } else if (length < 65536) {
            h = new byte[4 + 4];
            h[1] = (byte) (0x80 | 126);
            h[2] = (byte) (length >>> 8);
            h[3] = (byte) length;
            at = 4;
        } else {
            h = new byte[10 + 4];
            h[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                h[2 + i] = (byte) (length >>> (56 - 8 * i));
            }
            at = 10;
        }
        h[0] = (byte) ((fin ? 0x80 : 0) | opcode);
        // the four mask bytes at h[at..at+3] stay zero
        assert h.length == at + 4;
        return h;
    }

    /** The next frame from the server (waits up to the socket's 30 s read timeout). */
    Frame next() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new Frame(b0 & 0x0F, (b0 & 0x80) != 0, payload);
    }

    /** The next data or close frame, answering pings on the way. */
    Frame nextMessage() throws IOException {
        while (true) {
            Frame f = next();
            if (f.opcode() == PING) {
                send(PONG, true, f.payload());
            } else if (f.opcode() != PONG) {
                return f;
            }
        }
    }

    /** Whether the server closed the TCP connection (reads until end of stream, answering nothing). */
    boolean closedByServer() {
        try {
            InputStream raw = in;
            byte[] sink = new byte[8192];
            while (raw.read(sink) >= 0) {
                // drain
            }
            return true;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("reset");
        }
    }

    /** Vanishes with a TCP reset: no close frame, no FIN. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
