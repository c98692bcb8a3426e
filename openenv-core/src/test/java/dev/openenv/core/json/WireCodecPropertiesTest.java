package dev.openenv.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.core.json.Samples.Everything;
import dev.openenv.core.json.Samples.Mark;
import dev.openenv.core.json.Samples.Move;
import dev.openenv.core.json.Samples.Point;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * Properties of the codec checked over generated values: 300 records from a fixed seed, so a failure
 * names the case number and reproduces exactly.
 */
@Timeout(60)
class WireCodecPropertiesTest {
    private static final long SEED = 20261125L;
    final WireCodec codec = WireCodec.standard();

    static Stream<Everything> generated() {
        Random random = new Random(SEED);
        return IntStream.range(0, 300).mapToObj(i -> {
            String text = text(random);
            List<String> tags = new ArrayList<>();
            for (int t = random.nextInt(4); t > 0; t--) {
                tags.add(text(random));
            }
            int count = random.nextInt();
            return new Everything(text, count, random.nextLong(), (random.nextDouble() - 0.5) * 1e9, random.nextBoolean(),
                    Move.values()[random.nextInt(4)], Mark.values()[random.nextInt(2)], tags, Map.of("k", text),
                    new Point(count, random.nextInt(100)));
        });
    }

    /** Any Unicode text up to 30 code points: ASCII, accents, CJK, emoji, controls, quotes. */
    static String text(Random random) {
        var sb = new StringBuilder();
        for (int n = random.nextInt(31); n > 0; n--) {
            int cp = switch (random.nextInt(5)) {
                case 0 -> 0x20 + random.nextInt(0x5f);
                case 1 -> random.nextInt(0x20);
                case 2 -> 0xa0 + random.nextInt(0x2000);
                case 3 -> 0x4e00 + random.nextInt(0x5000);
                default -> 0x1f300 + random.nextInt(0x300);
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    @ParameterizedTest
    @MethodSource("generated")
    void recordsSurviveARoundTrip(Everything value) {
        String json = codec.write(value);
        assertThat(codec.decode(codec.parse(json), Everything.class)).isEqualTo(value);
    }

    @ParameterizedTest
    @MethodSource("generated")
    void anyUnknownFieldIsRejectedAtItsName(Everything value) {
        ObjectNode tree = (ObjectNode) codec.toTree(value);
        String name = "x_" + Integer.toHexString(value.text().hashCode());
        tree.put(name, value.count());
        assertThatThrownBy(() -> codec.decode(tree, Everything.class))
                .isInstanceOfSatisfying(ActionValidationException.class, e -> assertThat(e.errors())
                        .singleElement().satisfies(err -> {
                            assertThat(err.type()).isEqualTo("extra_forbidden");
                            assertThat(err.loc()).isEqualTo(List.of(name));
                        }));
    }

    @ParameterizedTest
    @MethodSource("generated")
    void aNumberWhereTextBelongsIsAStringTypeError(Everything value) {
        ObjectNode tree = (ObjectNode) codec.toTree(value);
        tree.put("text", value.count());
        assertThatThrownBy(() -> codec.decode(tree, Everything.class))
                .isInstanceOfSatisfying(ActionValidationException.class, e -> assertThat(e.errors())
                        .singleElement().satisfies(err -> {
                            assertThat(err.type()).isEqualTo("string_type");
                            assertThat(err.loc()).isEqualTo(List.of("text"));
                        }));
    }

    @ParameterizedTest
    @MethodSource("generated")
    void integralNumbersInAnyFormBindToInts(Everything value) {
        int n = value.count();
        for (String form : List.of(Integer.toString(n), n + ".0", "\"" + n + "\"")) {
            assertThat(codec.decode(codec.parse("{\"column\":" + form + "}"), Samples.WithDefaults.class).column()).isEqualTo(n);
        }
    }
}
