package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.json.WireCodec;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.server.testing.Await;
import dev.openenv.server.testing.LocalServers;
import dev.openenv.server.testing.WireTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What {@link WebSocketFrameFuzzTest} and {@link WebSocketMessageFuzzTest} found, each as one fixed case. */
@Timeout(30)
class WebSocketFrameFindingsTest {
    @RegisterExtension
    final LocalServers servers = new LocalServers();
    final Logger root = Logger.getLogger(""); // Helidon's and ours
    final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(r);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void captureTheLog() {
        root.addHandler(capture);
    }

    @AfterEach
    void release() {
        root.removeHandler(capture);
    }

    /** The frame that {@code WebSocketFrameFuzzTest} would send: {@code opcode}, FIN, masked or not, minimal length. */
    static byte[] frame(int opcode, boolean masked, byte[] payload) {
        return new WebSocketFrameFuzzTest.Frame(true, 0, opcode, masked, 0x0badf00d, WebSocketFrameFuzzTest.Length.MINIMAL, 0, payload).encode();
    }

    static void write(RawWs ws, byte[] bytes) throws IOException {
        ws.socket().getOutputStream().write(bytes);
        ws.socket().getOutputStream().flush();
    }

    /** A step whose action's {@code message} is an array nested {@code depth} deep. */
    static String deepStep(int depth) {
        return "{\"type\":\"step\",\"data\":{\"message\":" + "[".repeat(depth) + "]".repeat(depth) + "}}";
    }

    /** The reply's {@code data.code}, or the opcode and close code if the server closed instead. */
    static String answer(RawWs ws) throws IOException {
        RawWs.Frame f = ws.nextMessage();
        return f.opcode() == RawWs.CLOSE ? "close " + f.closeCode()
                : WireCodec.standard().parse(f.text()).path("data").path("code").asString(f.text());
    }

    @Test
    void aSeedPastTheDoubleRangeIsAValidationErrorOverTheWire() throws Exception {
        EnvServer server = servers.start(EchoEnvironment::new, WireTypes.ECHO);
        try (var ws = RawWs.open(server.port(), "/ws")) {
            ws.sendText("{\"type\":\"reset\",\"data\":{\"seed\":1" + "0".repeat(400) + "}}");
            assertThat(answer(ws)).isEqualTo("VALIDATION_ERROR");
        }
    }

    /**
     * Jackson reads and writes at most 500 levels; an action nested just under that, refused, is echoed back
     * inside the error frame ({@code data.errors[0].input}), three levels deeper.
     */
    @Test
    void anActionNestedJustUnderTheReadLimitIsRefusedWithAValidationErrorFrame() throws Exception {
        EnvServer server = servers.start(EchoEnvironment::new, WireTypes.ECHO);
        try (var ws = RawWs.open(server.port(), "/ws")) {
            ws.sendText(deepStep(497));
            assertThat(answer(ws)).isEqualTo("VALIDATION_ERROR");
            ws.sendText("{\"type\":\"step\",\"data\":{\"message\":\"after\"}}");
            assertThat(WireCodec.standard().parse(ws.nextMessage().text()).path("data").path("observation")
                    .path("echoed_message").asString()).isEqualTo("after");
        }
    }

    /** The same action over HTTP: FastAPI's 422 echoes it back in {@code detail[0].input}, three levels deeper. */
    @Test
    void anHttpStepNestedJustUnderTheReadLimitIsA422() throws Exception {
        servers.start(EchoEnvironment::new, WireTypes.ECHO);
        var response = servers.post("/step", "{\"action\":{\"message\":" + "[".repeat(498) + "]".repeat(498) + "}}");
        assertThat(response.statusCode()).as(response.body().length() > 300 ? response.body().substring(0, 300) : response.body()).isEqualTo(422);
    }

    /**
     * RFC 6455 (5.2): a reserved opcode fails the connection. Helidon does close it and frees the slot, but its
     * Http1Connection logs "Internal server error" at WARNING with a 20-line stack trace (IllegalArgumentException:
     * "Requested code 3 is invalid, there is no OpCode for it"), once per connection: any client can fill the log.
     */
    @Test
    void aReservedOpcodeClosesTheConnectionWithoutAStackTraceInTheLog() throws Exception {
        EnvServer server = servers.start(EchoEnvironment::new, WireTypes.ECHO);
        try (var ws = RawWs.open(server.port(), "/ws")) {
            write(ws, frame(0x3, true, new byte[] {'x'}));
            assertThat(ws.closedByServer()).isTrue();
        }
        Await.until("the slot freed", () -> server.activeSessions() == 0);
        assertThat(warnings.stream().filter(r -> r.getThrown() != null).map(r -> r.getLoggerName() + ": " + r.getThrown()))
                .as("warnings with a stack trace").isEmpty();
    }

    /** RFC 6455 (5.1): "The server MUST close the connection upon receiving a frame that is not masked." */
    @Test
    void anUnmaskedFrameClosesTheConnection() throws Exception {
        EnvServer server = servers.start(EchoEnvironment::new, WireTypes.ECHO);
        try (var ws = RawWs.open(server.port(), "/ws")) {
            ws.socket().setSoTimeout(5_000);
            write(ws, frame(RawWs.TEXT, false, "{\"type\":\"state\"}".getBytes(StandardCharsets.UTF_8)));
            assertThat(answer(ws)).startsWith("close");
        }
    }

    /**
     * After a frame RFC 6455 says must fail the connection, a valid request is not answered: the next thing from
     * the server is a close frame or the end of the stream. Returns what came instead, or null.
     */
    static String answeredAfter(RawWs ws, byte[] bad) throws IOException {
        ws.socket().setSoTimeout(5_000);
        try {
            write(ws, bad);
            write(ws, frame(RawWs.TEXT, true, "{\"type\":\"state\"}".getBytes(StandardCharsets.UTF_8)));
            RawWs.Frame f = ws.nextMessage();
            return f.opcode() == RawWs.CLOSE ? null : "opcode " + f.opcode() + ": " + f.text();
        } catch (IOException closed) {
            return null;
        }
    }

    /** RFC 6455 (5.2): a nonzero RSV bit without a negotiated extension fails the connection. */
    @Test
    void aFrameWithAnRsvBitFailsTheConnection() throws Exception {
        EnvServer server = servers.start(EchoEnvironment::new, WireTypes.ECHO);
        try (var ws = RawWs.open(server.port(), "/ws")) {
            byte[] rsv1 = frame(RawWs.TEXT, true, "{\"type\":\"state\"}".getBytes(StandardCharsets.UTF_8));
            rsv1[0] |= 0x40;
            assertThat(answeredAfter(ws, rsv1)).isNull();
        }
    }

    /** RFC 6455 (5.4): a continuation with no message begun fails the connection. */
    @Test
    void aContinuationWithoutAStartFailsTheConnection() throws Exception {
        EnvServer server = servers.start(EchoEnvironment::new, WireTypes.ECHO);
        try (var ws = RawWs.open(server.port(), "/ws")) {
            assertThat(answeredAfter(ws, frame(RawWs.CONTINUATION, true, "{\"type\":\"state\"}".getBytes(StandardCharsets.UTF_8)))).isNull();
        }
    }

    /** RFC 6455 (5.5): control frames must not be fragmented. */
    @Test
    @Disabled("bug: a ping without FIN is accepted and the session goes on (Helidon's frame reader does not check it; "
            + "the reference's websockets library closes with 1002)")
    void aFragmentedPingFailsTheConnection() throws Exception {
        EnvServer server = servers.start(EchoEnvironment::new, WireTypes.ECHO);
        try (var ws = RawWs.open(server.port(), "/ws")) {
            byte[] ping = frame(RawWs.PING, true, new byte[] {1});
            ping[0] &= 0x7F; // FIN off
            assertThat(answeredAfter(ws, ping)).isNull();
        }
    }

    /** RFC 6455 (8.1): a text message that is not valid UTF-8 fails the connection (1007). */
    @Test
    @Disabled("bug: invalid UTF-8 in a text frame is decoded with U+FFFD and answered (Helidon decodes leniently); "
            + "RFC 6455 8.1 and the reference's websockets library close with 1007")
    void invalidUtf8InATextFrameFailsTheConnection() throws Exception {
        EnvServer server = servers.start(EchoEnvironment::new, WireTypes.ECHO);
        try (var ws = RawWs.open(server.port(), "/ws")) {
            byte[] bad = "{\"type\":\"step\",\"data\":{\"message\":\"XX\"}}".getBytes(StandardCharsets.UTF_8);
            int at = new String(bad, StandardCharsets.US_ASCII).indexOf("XX");
            bad[at] = (byte) 0xC3;
            bad[at + 1] = 0x28; // not a continuation byte
            ws.socket().setSoTimeout(5_000);
            write(ws, frame(RawWs.TEXT, true, bad));
            assertThat(answer(ws)).isEqualTo("close 1007");
        }
    }

    /** RFC 6455 (5.5): control frames carry at most 125 bytes; a longer ping is a protocol error, not a pong. */
    @Test
    void aPingOver125BytesClosesTheConnection() throws Exception {
        EnvServer server = servers.start(EchoEnvironment::new, WireTypes.ECHO);
        try (var ws = RawWs.open(server.port(), "/ws")) {
            ws.socket().setSoTimeout(5_000);
            write(ws, frame(RawWs.PING, true, new byte[200]));
            RawWs.Frame f = ws.next();
            assertThat(f.opcode()).as("not a pong").isEqualTo(RawWs.CLOSE);
        }
    }

    /**
     * RFC 6455 (5.6): a text message is UTF-8 as a whole; a fragment may end inside a character. Helidon 4.5's
     * WsConnection decodes each text frame to a String on its own and hands the listener Strings, so the two
     * halves of {@code é} (C3 | A9) become two U+FFFD and the echo comes back {@code "\uFFFD\uFFFD"}.
     */
    @Test
    @Disabled("bug: a UTF-8 character split across two fragments arrives as two U+FFFD (Helidon decodes each text "
            + "frame separately; Connection only sees Strings). Fix needs the frame bytes before decoding.")
    void aCharacterSplitAcrossTwoFragmentsArrivesWhole() throws Exception {
        EnvServer server = servers.start(EchoEnvironment::new, WireTypes.ECHO);
        byte[] whole = "{\"type\":\"step\",\"data\":{\"message\":\"é\"}}".getBytes(StandardCharsets.UTF_8);
        int inside = new String(whole, StandardCharsets.UTF_8).indexOf('é') + 1; // between C3 and A9
        try (var ws = RawWs.open(server.port(), "/ws")) {
            ws.send(RawWs.TEXT, false, Arrays.copyOfRange(whole, 0, inside));
            ws.send(RawWs.CONTINUATION, true, Arrays.copyOfRange(whole, inside, whole.length));
            var reply = WireCodec.standard().parse(ws.nextMessage().text());
            assertThat(reply.path("data").path("observation").path("echoed_message").asString()).isEqualTo("é");
        }
    }
}
