package dev.openenv.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.core.json.ActionValidationException;
import dev.openenv.core.json.WireCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The inputs {@link WireFuzzTest} found, each as a fixed case: numbers past the range of a double made
 * Jackson 3's {@code JsonNode} conversions throw their own exception, which the server answered as an
 * {@code EXECUTION_ERROR} of the environment instead of a validation error.
 */
@Timeout(10)
class WireFuzzFindingsTest {
    static final WireCodec CODEC = WireCodec.standard();
    static final String HUGE = "1" + "0".repeat(400);

    @Test
    void aResetWhoseSeedIsAnIntegerPastTheDoubleRangeIsAValidationError() {
        var reset = (ClientMessage.Reset) ClientMessage.parse(CODEC.parse("{\"type\":\"reset\",\"data\":{\"seed\":" + HUGE + "}}"));
        assertThatThrownBy(() -> reset.request(CODEC)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(((Failure.Invalid) e.failure()).errors()).singleElement()
                        .satisfies(err -> assertThat(err.loc()).containsExactly("seed")));
    }

    @Test
    void anIntFieldGiven1e400IsAFiniteNumberError() {
        assertThatThrownBy(() -> CODEC.decode(CODEC.parse("{\"count\":1e400}"), Count.class))
                .isInstanceOfSatisfying(ActionValidationException.class, e -> assertThat(e.errors()).singleElement()
                        .satisfies(err -> assertThat(err.type()).isEqualTo("finite_number")));
    }

    @Test
    void aDoubleFieldGivenAnIntegerPastTheDoubleRangeIsAFiniteNumberError() {
        assertThatThrownBy(() -> CODEC.decode(CODEC.parse("{\"ratio\":" + HUGE + "}"), Ratio.class))
                .isInstanceOfSatisfying(ActionValidationException.class, e -> assertThat(e.errors()).singleElement()
                        .satisfies(err -> assertThat(err.type()).isEqualTo("finite_number")));
    }

    @Test
    void aDoubleFieldStillTakes1e400AsInfinityAsPydanticDoes() {
        assertThat(CODEC.decode(CODEC.parse("{\"ratio\":1e400}"), Ratio.class).ratio()).isInfinite();
    }

    @Test
    void aBooleanFieldGivenALongIsABoolTypeError() {
        assertThatThrownBy(() -> CODEC.decode(CODEC.parse("{\"flag\":99999999999}"), Flag.class))
                .isInstanceOfSatisfying(ActionValidationException.class, e -> assertThat(e.errors()).singleElement()
                        .satisfies(err -> assertThat(err.type()).isEqualTo("bool_type")));
    }

    /** Not from JSON text (the parser reads such a number as a double), but decode takes any tree. */
    @Test
    void anIntFieldGivenADecimalNodeWithAHugeExponentIsOutOfRange() {
        var tree = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("count", new java.math.BigDecimal("1E+2000000000"));
        assertThatThrownBy(() -> CODEC.decode(tree, Count.class))
                .isInstanceOfSatisfying(ActionValidationException.class, e -> assertThat(e.errors()).singleElement()
                        .satisfies(err -> assertThat(err.type()).isEqualTo("less_than_equal")));
    }

    /** Read at the limit, refused, and echoed back deeper: the codec writes it cut rather than throwing. */
    @Test
    void aTreeTooDeepToWriteIsWrittenCutAndReadsBack() {
        var nodes = tools.jackson.databind.node.JsonNodeFactory.instance;
        tools.jackson.databind.JsonNode tree = nodes.stringNode("bottom");
        for (int i = 0; i < 600; i++) {
            tree = nodes.arrayNode().add(tree);
        }
        var back = CODEC.parse(CODEC.write(tree));
        int depth = 0;
        for (var n = back; n.isArray(); n = n.get(0)) {
            depth++;
        }
        assertThat(depth).isEqualTo(400);
        assertThat(CODEC.parse(CODEC.writeBytes(tree))).isEqualTo(back);
    }

    record Count(int count) implements dev.openenv.core.Action {}

    record Ratio(double ratio) implements dev.openenv.core.Action {}

    record Flag(boolean flag) implements dev.openenv.core.Action {}
}
