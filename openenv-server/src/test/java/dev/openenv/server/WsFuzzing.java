package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.json.WireCodec;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.server.testing.Await;
import dev.openenv.server.testing.WireTypes;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;

/**
 * What the two {@code /ws} fuzz tests ({@link WebSocketFrameFuzzTest}, {@link WebSocketMessageFuzzTest}) share: the
 * real server each class fuzzes (a JUnit extension: port 0, started before its first case, closed after its last)
 * with the capture of its log (forgotten before each case), what "still serving" means after a case, and the seeded generators of client text both draw from.
 *
 * <p>"Still serving": a fresh client on another connection resets and steps, every session has ended (so the
 * fuzzing connection's slot is freed), and nothing was logged at SEVERE since the case began.
 */
final class WsFuzzing implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    static final int LIMIT = 64 * 1024;
    static final Duration TRY_LIMIT = Duration.ofSeconds(30);
    static final WireCodec CODEC = WireCodec.standard();
    static final Logger ROOT = Logger.getLogger(""); // Helidon's and ours

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                records.add(r);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private EnvServer server;

    /** Captures the log, then starts an echo server on port 0 whose messages are limited to {@link #LIMIT}. */
    @Override
    public void beforeAll(ExtensionContext context) {
        ROOT.addHandler(capture);
        try {
            server = EnvServer.builder(EchoEnvironment::new).types(WireTypes.ECHO)
                    .config(c -> c.withHost("127.0.0.1").withPort(0).withMaxMessageBytes(LIMIT).withMaxConcurrentEnvs(4))
                    .start();
        } catch (RuntimeException | Error e) {
            ROOT.removeHandler(capture);
            throw e;
        }
    }

    int port() {
        return server.port();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        records.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            ROOT.removeHandler(capture);
        }
    }

    // ---- what "still serving" means ----

    void assertStillServing() throws IOException {
        try (var fresh = RawWs.open(server.port(), "/ws")) {
            fresh.socket().setSoTimeout(5_000);
            fresh.sendText("{\"type\":\"reset\",\"data\":{}}");
            assertThat(CODEC.parse(fresh.nextMessage().text()).path("type").asString()).isEqualTo("observation");
            assertEcho(fresh, "fresh client");
        }
        Await.until("every session ended (active: " + server.activeSessions() + ")", Duration.ofSeconds(10),
                () -> server.activeSessions() == 0);
        assertThat(records.stream().filter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue()).map(WsFuzzing::describe))
                .as("SEVERE log records").isEmpty();
    }

    static void assertEcho(RawWs ws, String who) throws IOException {
        ws.sendText("{\"type\":\"step\",\"data\":{\"message\":\"ping\"}}");
        JsonNode step = CODEC.parse(ws.nextMessage().text());
        assertThat(step.path("data").path("observation").path("echoed_message").asString()).as(who + ": " + step).isEqualTo("ping");
    }

    static String describe(LogRecord r) {
        return r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown());
    }

    // ---- seeds and generators (each from a seeded Random; weights as in "3 in 7") ----

    static Stream<Long> seeds(int n) {
        return LongStream.range(0, n).boxed();
    }

    /** The index of the weight chosen, each with probability weight / sum. */
    static int weighted(Random r, int... weights) {
        int total = Arrays.stream(weights).sum();
        int x = r.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    @SafeVarargs
    static <T> T pick(Random r, T... values) {
        return values[r.nextInt(values.length)];
    }

    static int between(Random r, int min, int max) {
        return min + r.nextInt(max - min + 1);
    }

    /** Any UTF-16 text of at most {@code max} chars, lone surrogates included. */
    static String anyText(Random r, int max) {
        char[] c = new char[r.nextInt(max + 1)];
        for (int i = 0; i < c.length; i++) {
            c[i] = (char) (r.nextInt(4) == 0 ? r.nextInt(0x10000) : between(r, 0x20, 0x7e));
        }
        return new String(c);
    }

    /** Messages a client might send and many it should not: every type, wrong shapes, huge and deep values. */
    static String garbageText(Random r) {
        return switch (weighted(r, 5, 1, 1)) {
            case 0 -> message(r);
            case 1 -> {
                String m = message(r);
                yield m.substring(0, between(r, 0, 1000) % (m.length() + 1));
            }
            default -> anyText(r, 40);
        };
    }

    static String message(Random r) {
        String t = pick(r, "\"reset\"", "\"step\"", "\"state\"", "\"mcp\"", "\"bogus\"", "1", "null", "[\"step\"]", "{}");
        String v = value(r);
        return switch (r.nextInt(5)) {
            case 0 -> "{\"type\":" + t + ",\"data\":" + v + "}";
            case 1 -> "{\"type\":" + t + "}";
            case 2 -> "{\"data\":" + v + "}";
            case 3 -> "{\"type\":" + t + ",\"data\":" + v + ",\"type\":" + t + ",\"extra\":" + v + "}";
            default -> v;
        };
    }

    static String value(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> pick(r, "null", "true", "1", "-1.5", "1e400", "1" + "0".repeat(400), "99999999999", "\"x\"", "\"\\ud800\"",
                    "[]", "{}", "[1,[2,[3]]]", "{\"message\":\"m\"}", "{\"message\":1}", "{\"message\":\"m\",\"x\":1}",
                    "{\"seed\":\"7\"}", "{\"seed\":1e400}", "{\"seed\":" + "1" + "0".repeat(400) + "}", "{\"episode_id\":3}",
                    "{\"index\":4294967296}", "{\"jsonrpc\":\"2.0\",\"method\":\"tools/list\",\"id\":1}");
            case 1 -> deep(between(r, 1, 600));
            // Just under Jackson's 500 levels: read, refused, and echoed back deeper in the error frame.
            case 2 -> deep(between(r, 490, 500));
            case 3 -> {
                int d = between(r, 1, 600);
                yield "[".repeat(d) + "]".repeat(d);
            }
            default -> "\"" + anyText(r, 30).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        };
    }

    static String deep(int d) {
        return "{\"message\":" + "[".repeat(d) + "]".repeat(d) + "}";
    }
}
