package dev.openenv.server;

import static dev.openenv.server.WsFuzzing.LIMIT;
import static dev.openenv.server.WsFuzzing.TRY_LIMIT;
import static dev.openenv.server.WsFuzzing.between;
import static dev.openenv.server.WsFuzzing.garbageText;
import static dev.openenv.server.WsFuzzing.pick;
import static dev.openenv.server.WsFuzzing.weighted;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real server's {@code /ws} fed generated frame sequences over a raw socket (each case generated from its
 * seed by {@code java.util.Random}, so a failing case is replayed by its number; see openenv-core's README on why
 * no property-testing library): any opcode including the reserved ones, RSV bits, masked or not,
 * fragments with and without FIN, continuations without a start, control frames over 125 bytes and
 * fragmented, length fields that are not minimal or that lie (longer than what is sent, then the socket
 * closes), invalid UTF-8, JSON garbage as payload. After every sequence the server must still serve (see
 * {@link WsFuzzing}): a fresh client on another connection resets and steps, the fuzzing connection's slot is
 * freed, and nothing was logged at SEVERE. {@link WebSocketMessageFuzzTest} fuzzes what goes inside well-formed
 * frames.
 *
 * <p>One server for the class (started before the first case, closed after the last); every socket is
 * closed by the case that opened it; each case is bounded by {@link WsFuzzing#TRY_LIMIT}.
 */
@Timeout(300)
class WebSocketFrameFuzzTest {
    @RegisterExtension
    static final WsFuzzing target = new WsFuzzing();

    // ---- properties ----

    static Stream<Long> eighty() {
        return WsFuzzing.seeds(80);
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("eighty")
    void anyFrameSequenceLeavesTheServerServing(long seed) {
        Random r = new Random(seed);
        List<Frame> frames = sequence(r);
        Ending ending = Ending.values()[r.nextInt(Ending.values().length)];
        assertTimeoutPreemptively(TRY_LIMIT, () -> {
            try (Socket fuzz = upgraded(target.port())) {
                send(fuzz, frames, ending);
            }
            target.assertStillServing();
        });
    }

    // ---- the fuzzing peer ----

    /** How the fuzzing peer leaves: a close frame, a plain TCP close, or a reset. */
    enum Ending { CLOSE_FRAME, FIN, RESET }

    /** How a frame states its length: minimally, in a longer form than needed, or falsely (more than is sent). */
    enum Length { MINIMAL, FORCE_16, FORCE_64, LIE }

    /**
     * One frame as it goes on the wire.
     *
     * @param extra for {@link Length#LIE}: how many bytes more than the payload the header claims
     */
    record Frame(boolean fin, int rsv, int opcode, boolean masked, int mask, Length length, long extra, byte[] payload) {
        @Override
        public String toString() {
            String shown = payload.length <= 64 ? new String(payload, StandardCharsets.UTF_8) : payload.length + " bytes";
            return "Frame[fin=" + fin + ", rsv=" + rsv + ", opcode=" + opcode + ", masked=" + masked + ", length=" + length
                    + (length == Length.LIE ? "+" + extra : "") + ", payload=" + shown + "]";
        }

        byte[] encode() {
            var out = new ByteArrayOutputStream();
            out.write((fin ? 0x80 : 0) | (rsv & 7) << 4 | (opcode & 0xF));
            long declared = length == Length.LIE ? payload.length + extra : payload.length;
            int maskBit = masked ? 0x80 : 0;
            Length form = length == Length.LIE ? (declared < 126 ? Length.MINIMAL : declared < 65536 ? Length.FORCE_16 : Length.FORCE_64) : length;
            if (form == Length.MINIMAL && declared >= 126) {
                form = declared < 65536 ? Length.FORCE_16 : Length.FORCE_64;
            }
            if (form == Length.FORCE_16 && declared >= 65536) {
                form = Length.FORCE_64;
            }
            switch (form) {
                case MINIMAL -> out.write(maskBit | (int) declared);
                case FORCE_16 -> {
                    out.write(maskBit | 126);
                    out.write((int) (declared >>> 8));
                    out.write((int) declared);
                }
                default -> {
                    out.write(maskBit | 127);
                    for (int i = 0; i < 8; i++) {
                        out.write((int) (declared >>> (56 - 8 * i)));
                    }
                }
            }
            byte[] key = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
            if (masked) {
                out.write(key, 0, 4);
            }
            for (int i = 0; i < payload.length; i++) {
                out.write(masked ? payload[i] ^ key[i % 4] : payload[i]);
            }
            return out.toByteArray();
        }
    }

    static Socket upgraded(int port) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(5_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                socket.close();
                throw new IOException("closed during the upgrade: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("upgrade refused: " + head);
        }
        return socket;
    }

    /** Writes the frames (stopping at the first that lies about its length), reads what the server says for a moment, and leaves. */
    static void send(Socket socket, List<Frame> frames, Ending ending) throws IOException {
        OutputStream out = socket.getOutputStream();
        boolean lied = false;
        try {
            for (Frame frame : frames) {
                out.write(frame.encode());
                if (frame.length() == Length.LIE) {
                    lied = true;
                    break;
                }
            }
            out.flush();
            drain(socket, Duration.ofMillis(100));
            if (ending == Ending.CLOSE_FRAME && !lied) {
                out.write(new Frame(true, 0, 0x8, true, 0x1234_5678, Length.MINIMAL, 0, new byte[] {0x03, (byte) 0xE8}).encode());
                out.flush();
            }
        } catch (IOException serverClosed) {
            // The server hung up on a protocol error: what it must do; the checks come after.
        }
        if (ending == Ending.RESET) {
            socket.setSoLinger(true, 0);
        }
    }

    /** Reads and drops what the server sends, for at most {@code limit} or until it closes. */
    static void drain(Socket socket, Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        byte[] sink = new byte[8192];
        InputStream in = socket.getInputStream();
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                if (in.read(sink) < 0) {
                    return;
                }
            } catch (SocketTimeoutException quiet) {
                return;
            }
        }
    }

    // ---- generators (each from a seeded Random; weights as in "3 in 7"; the text ones are in WsFuzzing) ----

    static List<Frame> sequence(Random r) {
        List<Frame> frames = new ArrayList<>();
        for (int i = 0, n = between(r, 1, 6); i < n; i++) {
            frames.add(frame(r));
        }
        return frames;
    }

    static Frame frame(Random r) {
        int opcode = switch (weighted(r, 4, 3, 1, 1, 1)) {
            case 0 -> 0x1;
            case 1 -> 0x0;
            case 2 -> 0x2;
            case 3 -> pick(r, 0x8, 0x9, 0xA);
            default -> pick(r, 0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF);
        };
        int rsv = weighted(r, 6, 1) == 0 ? 0 : between(r, 1, 7);
        boolean masked = weighted(r, 6, 1) == 0;
        Length length = Length.values()[weighted(r, 8, 1, 1, 1)];
        long extra = pick(r, 1L, 100L, 70_000L, 1L << 31, 1L << 40, Long.MAX_VALUE / 2, Long.MAX_VALUE - 1000);
        return new Frame(r.nextBoolean(), rsv, opcode, masked, r.nextInt(), length, extra, payload(r));
    }

    static byte[] payload(Random r) {
        return switch (weighted(r, 3, 2, 1, 1, 1)) {
            case 0 -> garbageText(r).getBytes(StandardCharsets.UTF_8);
            case 1 -> {
                byte[] b = new byte[r.nextInt(201)];
                r.nextBytes(b);
                yield b;
            }
            case 2 -> pick(r, new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                    new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                    new byte[] {'{', '"', (byte) 0xE2, (byte) 0x82}, new byte[] {(byte) 0xFF, (byte) 0xFE},
                    new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, new byte[0]);
            case 3 -> filled(between(r, 126, 400), 'c');
            default -> filled(between(r, LIMIT - 100, LIMIT + 8_000), 'x');
        };
    }

    static byte[] filled(int n, char c) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }
}
