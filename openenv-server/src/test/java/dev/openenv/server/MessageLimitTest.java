package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.json.WireCodec;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.server.testing.Await;
import dev.openenv.server.testing.LocalServers;
import dev.openenv.server.testing.WireTypes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code OPENENV_MAX_MESSAGE_MB} bounds whole messages, however they are cut, and a message at the limit is read in linear time. */
@Timeout(120)
class MessageLimitTest {
    static final int LIMIT = 64 * 1024;

    @RegisterExtension
    final LocalServers servers = new LocalServers();

    @Test
    void aMessageSentAsManySmallFragmentsIsClosedWith1009OnceItPassesTheLimit() throws Exception {
        EnvServer server = servers.start(EchoEnvironment::new, WireTypes.ECHO, c -> c.withMaxMessageBytes(LIMIT));
        try (var ws = RawWs.open(server.port(), "/ws")) {
            Await.until("the session open", () -> server.activeSessions() == 1);
            byte[] fragment = new byte[8 * 1024];   // each far inside the frame limit
            Arrays.fill(fragment, (byte) 'x');
            // Written on another thread while this one reads: the server may hang up before the flood is all sent
            // (a broken pipe for the writer, which is what it should get), and the close frame is read before that.
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    ws.send(RawWs.TEXT, false, "{\"type\":\"step\",\"data\":{\"message\":\"".getBytes(StandardCharsets.UTF_8));
                    for (int i = 0; i < 2 * LIMIT / fragment.length; i++) {   // twice the limit in all
                        ws.send(RawWs.CONTINUATION, false, fragment);
                    }
                    ws.send(RawWs.CONTINUATION, true, "\"}}".getBytes(StandardCharsets.UTF_8));
                } catch (java.io.IOException cutOff) {
                    // the server closed the connection at the limit
                }
            });
            RawWs.Frame answer = ws.nextMessage();
            writer.join(10_000);
            assertThat(answer.opcode()).as("a close frame, not an answer to the oversized message").isEqualTo(RawWs.CLOSE);
            assertThat(answer.closeCode()).isEqualTo(1009);
            Await.until("the slot freed", () -> server.activeSessions() == 0);
        }
    }

    @Test
    void aMessageUnderTheLimitStillArrivesInFragments() throws Exception {
        EnvServer server = servers.start(EchoEnvironment::new, WireTypes.ECHO, c -> c.withMaxMessageBytes(LIMIT));
        try (var ws = RawWs.open(server.port(), "/ws")) {
            String message = "x".repeat(LIMIT / 2);
            byte[] whole = ("{\"type\":\"step\",\"data\":{\"message\":\"" + message + "\"}}").getBytes(StandardCharsets.UTF_8);
            int cut = whole.length / 3;
            ws.send(RawWs.TEXT, false, Arrays.copyOfRange(whole, 0, cut));
            ws.send(RawWs.CONTINUATION, false, Arrays.copyOfRange(whole, cut, 2 * cut));
            ws.send(RawWs.CONTINUATION, true, Arrays.copyOfRange(whole, 2 * cut, whole.length));
            var reply = WireCodec.standard().parse(ws.nextMessage().text());
            assertThat(reply.path("data").path("observation").path("echoed_message").asString()).isEqualTo(message);
        }
    }

    @Test
    void aFrameAtTheDefaultLimitIsReadInTimeLinearInItsSize() throws Exception {
        EnvServer server = servers.start(EchoEnvironment::new, WireTypes.ECHO);
        int limit = server.config().maxMessageBytes();
        try (var ws = RawWs.open(server.port(), "/ws")) {
            roundTrip(ws, 1 << 20);   // warm up the JIT on both sides
            long small = roundTrip(ws, limit / 8);
            long large = roundTrip(ws, limit - 1024);
            System.out.printf("step of %d bytes: %d ms; of %d bytes: %d ms%n", limit / 8, small / 1_000_000, limit - 1024, large / 1_000_000);
            // Linear: 8x the size, about 8x the time. Quadratic reading took 64x (31 s for 15.9 MB).
            assertThat(large).as("16 MB round trip (ns)").isLessThan(15_000_000_000L);
            assertThat(large).as("8x the size (ns), against %d ns", small).isLessThan(Math.max(24 * small, 3_000_000_000L));
        }
    }

    /** One step whose frame is {@code size} bytes, sent as a single frame; the time until its echo has been read (ns). */
    static long roundTrip(RawWs ws, int size) throws Exception {
        byte[] head = "{\"type\":\"step\",\"data\":{\"message\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[size - head.length - tail.length];
        Arrays.fill(body, (byte) 'y');
        long start = System.nanoTime();
        ws.sendHeader(RawWs.TEXT, true, size);
        ws.stream(head, 0, head.length);
        ws.stream(body, 0, body.length);
        ws.stream(tail, 0, tail.length);
        ws.flush();
        RawWs.Frame reply = ws.nextMessage();
        long took = System.nanoTime() - start;
        assertThat(reply.opcode()).isEqualTo(RawWs.TEXT);
        assertThat(reply.payload().length).isGreaterThan(body.length);
        return took;
    }
}
