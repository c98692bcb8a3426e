package dev.openenv.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static dev.openenv.core.protocol.WireGenerators.*;

import dev.openenv.core.Action;
import dev.openenv.core.Default;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.json.ActionValidationException;
import dev.openenv.core.json.MalformedJsonException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The wire codec and the protocol's message parsing fed arbitrary input, each case generated from its seed by
 * {@code java.util.Random} (a failing case is replayed by its number; no property-testing library, see
 * openenv-core/README.md). Whatever arrives, reading it either succeeds or fails with one of the project's
 * own exceptions, the ones {@link Failure#of} maps to a specific failure: {@link MalformedJsonException},
 * {@link ProtocolException}, {@link ActionValidationException}. Anything else (a NullPointerException, a
 * ClassCastException, Jackson's own exceptions, a StackOverflowError) would reach a client as an
 * {@code EXECUTION_ERROR} blamed on the environment, or not at all. And what the codec writes, it reads back.
 */
class WireFuzzTest {
    /** Per try: a parse that takes longer than this is itself a finding (no try comes near it). */
    static final Duration LIMIT = Duration.ofSeconds(10);
    /** Names the server and its actions know, so that generated objects hit the interesting branches. */
    static final List<String> KNOWN_KEYS = List.of("type", "data", "action", "seed", "episode_id", "split", "index",
            "metadata", "text", "count", "big", "ratio", "flag", "move", "tags", "extra", "at", "x", "y", "maybe",
            "ids", "scores", "raw", "code", "message", "errors", "observation", "reward", "done");

    enum Move { UP, DOWN }

    record Point(int x, int y) {}

    /** An action with one field of every kind the binder converts. */
    record Probe(String text, int count, long big, double ratio, boolean flag, Move move, List<String> tags,
                 Map<String, Object> extra, Point at, @Default("null") Integer maybe, @Default("[]") Set<Integer> ids,
                 @Default("{}") Map<String, Integer> scores, @Default("null") JsonNode raw) implements Action {}

    // ---- properties: arbitrary input is read or refused with the project's exception ----

    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases200")
    void anyTextIsReadOrRefusedWithAProtocolFailure(long seed) {
        Random r = new Random(seed);
        String text = texts(r);
        assertReadOrRefused(text);
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases200")
    void anyJsonMessageIsReadOrRefusedWithAProtocolFailure(long seed) {
        Random r = new Random(seed);
        String text = rawMessage(r, 3);
        assertReadOrRefused(text);
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases200")
    void anyJsonTreeIsReadOrRefusedWithAProtocolFailure(long seed) {
        Random r = new Random(seed);
        JsonNode tree = messageTree(r);
        assertReadOrRefused(() -> read(tree));
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases60")
    void nestingUpToAndPastTheLimitIsReadOrRefused(long seed) {
        Random r = new Random(seed);
        int depth = 1 + r.nextInt(3000);
        String open = r.nextBoolean() ? "[" : "{";
        String close = open.equals("[") ? "]" : "}";
        String nested = open.equals("[") ? "[".repeat(depth) + "]".repeat(depth)
                : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        String hole = "{\"type\":\"step\",\"data\":{\"raw\":" + nested + "}}";
        assertReadOrRefused(hole);
        assertReadOrRefused("{\"type\":\"reset\",\"data\":{\"opt\":" + nested + "}}");
        assertReadOrRefused("{\"type\":\"step\",\"data\":{\"text\":" + nested + "}}");
        assertReadOrRefused(open.repeat(depth) + close.repeat(depth));
    }

    /** Actions whose every field may hold any kind of value: each of the binder's conversions meets every node kind. */
    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases300")
    void anyStepIsReadOrRefusedWithAProtocolFailure(long seed) {
        Random r = new Random(seed);
        ObjectNode data = fieldsOf(r, STEP_FIELDS);
        ObjectNode msg = NODES.objectNode().put("type", "step");
        msg.set("data", data);
        assertReadOrRefused(() -> read(msg));
        assertReadOrRefused(CODEC.write(msg));
    }

    /** Resets whose {@code seed}, {@code index}, {@code episode_id} and {@code split} may hold any kind of value. */
    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases300")
    void anyResetIsReadOrRefusedWithAProtocolFailure(long seed) {
        Random r = new Random(seed);
        ObjectNode data = fieldsOf(r, RESET_FIELDS);
        ObjectNode msg = NODES.objectNode().put("type", "reset");
        msg.set("data", data);
        assertReadOrRefused(() -> read(msg));
        assertReadOrRefused(CODEC.write(msg));
    }

    /** The lenient reader of server frames (the client's side) never throws at all, whatever the server sent. */
    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases200")
    void anyServerFrameIsReadLeniently(long seed) {
        Random r = new Random(seed);
        JsonNode tree = messageTree(r);
        assertTimeoutPreemptively(LIMIT, () -> {
            ServerMessage message = ServerMessage.parse(tree);
            assertThat(message.toJson()).isNotNull();
            if (message instanceof ServerMessage.Error error) {
                assertThat(error.detailValues()).isNotNull();
            }
        });
    }

    // ---- properties: what the codec writes, it reads back ----

    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases200")
    void clientMessagesSurviveTheWire(long seed) {
        Random r = new Random(seed);
        ClientMessage message = clientMessage(r);
        String text = CODEC.write(message.toJson());
        assertThat(ClientMessage.parse(CODEC.parse(text))).isEqualTo(message);
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases200")
    void serverMessagesSurviveTheWire(long seed) {
        Random r = new Random(seed);
        ServerMessage message = serverMessage(r);
        String text = CODEC.write(message.toJson());
        assertThat(ServerMessage.parse(CODEC.parse(text))).isEqualTo(message);
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases200")
    void resetRequestsSurviveTheWire(long seed) {
        Random r = new Random(seed);
        ResetRequest request = resetRequest(r);
        var message = ClientMessage.Reset.of(request, CODEC);
        var read = (ClientMessage.Reset) ClientMessage.parse(CODEC.parse(CODEC.write(message.toJson())));
        assertThat(read.request(CODEC)).isEqualTo(request);
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases200")
    void actionsSurviveTheWire(long seed) {
        Random r = new Random(seed);
        Probe probe = probe(r);
        String text = CODEC.write(new ClientMessage.Step(CODEC.toTree(probe)).toJson());
        var step = (ClientMessage.Step) ClientMessage.parse(CODEC.parse(text));
        assertThat(CODEC.decode(step.action(), Probe.class)).isEqualTo(probe);
    }

    // ---- the reading under test and the property's one assertion ----

    /** What the server does with a text frame before the environment sees it. */
    static void read(String text) {
        read(CODEC.parse(text));
    }

    static void read(JsonNode node) {
        switch (ClientMessage.parse(node)) {
            case ClientMessage.Reset m -> m.request(CODEC);
            case ClientMessage.Step m -> CODEC.decode(m.action(), Probe.class);
            case ClientMessage.State m -> { }
            case ClientMessage.Close m -> { }
            case ClientMessage.Mcp m -> { }
        }
    }

    static void assertReadOrRefused(String text) {
        assertReadOrRefused(() -> read(text));
    }

    static void assertReadOrRefused(Runnable reading) {
        Throwable thrown = assertTimeoutPreemptively(LIMIT, () -> {
            try {
                reading.run();
                return null;
            } catch (Throwable t) {
                return t; // StackOverflowError included: caught here, judged below
            }
        });
        if (thrown != null) {
            assertThat(thrown).as("what reading threw (stack trace below)")
                    .isInstanceOfAny(MalformedJsonException.class, ProtocolException.class, ActionValidationException.class);
            assertThat(Failure.of(thrown)).as("the failure it stands for").isNotInstanceOf(Failure.Execution.class);
        }
    }

    static Stream<Long> seeds(int n) {
        return LongStream.range(0, n).boxed();
    }

    static Stream<Long> cases60() {
        return seeds(60);
    }

    static Stream<Long> cases200() {
        return seeds(200);
    }

    static Stream<Long> cases300() {
        return seeds(300);
    }
}
