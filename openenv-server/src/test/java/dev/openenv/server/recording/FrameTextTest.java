package dev.openenv.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.json.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The recorder copies a step frame's {@code data} text into its line: that text must be exactly the value
 * the server's parser read (same tree), fit on one line, and be given up (null) whenever it cannot be
 * taken as is — never a wrong slice of the frame.
 */
@Timeout(30)
class FrameTextTest {
    private static final WireCodec CODEC = WireCodec.standard();

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"type":"step","data":{"column":3}}                             | {"column":3}
            {"type": "step", "data": {"column": 3, "note": "a b"}}         | {"column": 3, "note": "a b"}
            {"data":{"x":[1,{"y":"}]\\"{"}]},"type":"step"}                 | {"x":[1,{"y":"}]\\"{"}]}
            `  {"type":"step" , "data" :	{"s":"naïve ☃"}  }  `            | {"s":"naïve ☃"}
            {"type":"step","data":{"a":1},"data":{"b":2}}                  | {"b":2}
            {"type":"step","data":{}}                                      | {}
            """)
    void takesTheDataMembersTextAsSent(String frame, String expected) {
        assertThat(text(frame)).isEqualTo(expected);
        assertThat(CODEC.parse(expected)).isEqualTo(CODEC.parse(frame).get("data"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `{"type":"step","data":{"a":\n1}}`         | a line break between the value's tokens
            `{"type":"step","d\\u0061ta":{"a":1}}`     | an escaped member name (the parser reads it as data)
            `{"type":"step","data":[1,2]}`             | not an object
            `{"type":"step","data":"x"}`               | not an object
            `{"type":"step"}`                          | no data
            `[{"data":{}}]`                            | not an object frame
            `{"type":"step","data":{"a":1}`            | cut short
            """)
    void givesUpWhenTheTextCannotStandAsIs(String frame, String why) {
        assertThat(text(frame)).as(why).isNull();
    }

    /** Random frames, in the compact and the spaced (Python's) layout, with the data member anywhere. */
    @ParameterizedTest
    @MethodSource("seeds")
    void agreesWithTheParserOnRandomFrames(long seed) {
        var random = new Random(seed);
        for (int k = 0; k < 200; k++) {
            boolean spaced = random.nextBoolean();
            String data = object(random, 0, spaced);
            String type = spaced ? "\"type\": \"step\"" : "\"type\":\"step\"";
            String member = (spaced ? "\"data\": " : "\"data\":") + data;
            String frame = random.nextBoolean() ? "{" + type + (spaced ? ", " : ",") + member + "}"
                    : "{" + member + (spaced ? ", " : ",") + type + "}";
            String text = text(frame);
            JsonNode parsed = CODEC.parse(frame).get("data");
            if (text == null) {
                assertThat(frame).as("given up only for a line break in the value").containsAnyOf("\n", "\r");
            } else {
                assertThat(text).doesNotContain("\n", "\r");
                assertThat(CODEC.parse(text)).as(frame).isEqualTo(parsed);
            }
        }
    }

    /** The frame's data member's text as the recorder copies it (the bytes in the range FrameText finds), or null. */
    private static String text(String frame) {
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        long range = FrameText.data(bytes);
        if (range < 0) {
            return null;
        }
        int from = (int) (range >>> 32);
        return new String(bytes, from, (int) range - from, StandardCharsets.UTF_8);
    }

    static Stream<Long> seeds() {
        return IntStream.range(0, 20).mapToObj(i -> 0x5eedL * 31 + i);
    }

    private static String object(Random r, int depth, boolean spaced) {
        var b = new StringBuilder("{");
        int n = r.nextInt(depth > 2 ? 2 : 4);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(spaced ? ", " : ",");
            }
            b.append(string(r)).append(spaced ? ": " : ":").append(value(r, depth + 1, spaced));
        }
        return b.append(r.nextInt(20) == 0 ? "\n}" : "}").toString();
    }

    private static String value(Random r, int depth, boolean spaced) {
        return switch (r.nextInt(depth > 3 ? 4 : 6)) {
            case 0 -> string(r);
            case 1 -> Integer.toString(r.nextInt(2001) - 1000);
            case 2 -> r.nextBoolean() ? "true" : r.nextBoolean() ? "false" : "null";
            case 3 -> Double.toString((r.nextDouble() - 0.5) * 1e6) + (r.nextBoolean() ? "" : "e-3");
            case 4 -> object(r, depth, spaced);
            default -> {
                var b = new StringBuilder("[");
                for (int i = 0, n = r.nextInt(4); i < n; i++) {
                    b.append(i > 0 ? (spaced ? ", " : ",") : "").append(value(r, depth + 1, spaced));
                }
                yield b.append("]").toString();
            }
        };
    }

    /** A JSON string with the characters that trip a scanner: quotes, backslashes, brackets, escapes, non-ASCII. */
    private static String string(Random r) {
        String[] parts = {"a", "data", "type", "\\\"", "\\\\", "{", "}", "[", "]", ",", ":", " ", "\\n", "\\u00e9", "é", "☃", "\\/"};
        var b = new StringBuilder("\"");
        for (int i = 0, n = r.nextInt(5); i < n; i++) {
            b.append(parts[r.nextInt(parts.length)]);
        }
        return b.append('"').toString();
    }
}
