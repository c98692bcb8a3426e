package dev.openenv.bench.faults;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket on a plain blocking socket, with the ways to end it that a crashing client has: a TCP
 * reset ({@link #reset()}), a close without a close frame ({@link #vanish()}). Enough protocol for
 * the fault tools (text frames, ping answers, close frames); not a general client.
 */
final class WsSocket implements AutoCloseable {
    static final int TEXT = 0x1;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** A frame from the server. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private WsSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 16 * 1024));
    }

    /**
     * Upgrades a new connection to {@code base}'s {@code /ws}.
     *
     * @throws IOException when it cannot connect or the server does not switch protocols (its status line is in the message)
     */
    static WsSocket open(URI base, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            int port = base.getPort() != -1 ? base.getPort() : 80;
            socket.connect(new InetSocketAddress(base.getHost(), port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            WsSocket ws = new WsSocket(socket);
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            ws.out.write(("GET /ws HTTP/1.1\r\nHost: " + base.getHost() + ":" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            ws.out.flush();
            String status = ws.statusLine();
            if (!status.startsWith("HTTP/1.1 101")) {
                throw new IOException("upgrade refused: " + status);
            }
            return ws;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private String statusLine() throws IOException {
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

    void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    private void send(int opcode, byte[] payload) throws IOException {
        int n = payload.length;
        byte[] frame = new byte[(n < 126 ? 2 : n < 65536 ? 4 : 10) + 4 + n];
        frame[0] = (byte) (0x80 | opcode);
        int at;
        if (n < 126) {
            frame[1] = (byte) (0x80 | n);
            at = 2;
        } else if (n < 65536) {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (n >>> 8);
            frame[3] = (byte) n;
            at = 4;
        } else {
            frame[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
            at = 10;
        }
        // mask key of zeros: the payload goes as it is
        System.arraycopy(payload, 0, frame, at + 4, n);
        out.write(frame);
        out.flush();
    }

    /** The next text or close frame; pings are answered on the way. */
    Frame next() throws IOException {
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            if (length > 64L << 20) {
                throw new IOException("frame of " + length + " bytes");
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            int opcode = b0 & 0x0F;
            if (opcode == PING) {
                send(PONG, payload);
            } else if (opcode != PONG) {
                return new Frame(opcode, payload);
            }
        }
    }

    /** Vanishes with a TCP reset: no close frame, no FIN. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Closes the TCP connection without a WebSocket close frame. */
    void vanish() throws IOException {
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
