package dev.openenv.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.core.StepResult;
import dev.openenv.core.json.Samples.Checked;
import dev.openenv.core.json.Samples.Everything;
import dev.openenv.core.json.Samples.Mark;
import dev.openenv.core.json.Samples.Move;
import dev.openenv.core.json.Samples.Observed;
import dev.openenv.core.json.Samples.Point;
import dev.openenv.core.json.Samples.WithDefaults;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(30)
class WireCodecTest {
    final WireCodec codec = WireCodec.standard();

    <T> T decode(String json, Class<T> type) {
        return codec.decode(codec.parse(json), type);
    }

    List<ValidationError> errors(String json, Class<?> type) {
        try {
            decode(json, type);
        } catch (ActionValidationException e) {
            return e.errors();
        }
        throw new AssertionError("expected a validation error for " + json);
    }

    @Test
    void envelopeLiftsRewardAndDoneAndKeepsFieldOrder() {
        var result = new StepResult<>(new Observed("Hi", 2, null), 0.2, true, Map.of());
        assertThat(codec.write(codec.envelope(result)))
                .isEqualTo("{\"observation\":{\"metadata\":{},\"echoed_message\":\"Hi\",\"message_length\":2,\"score\":null},\"reward\":0.2,\"done\":true}");
    }

    @Test
    void envelopeNestsMetadataAlwaysAndCopiesItUpWhenThereIsSome() {
        var result = new StepResult<>(new Observed("", 0, 1.0), null, false, Map.of("step", 3));
        assertThat(codec.write(codec.envelope(result)))
                .isEqualTo("{\"observation\":{\"metadata\":{\"step\":3},\"echoed_message\":\"\",\"message_length\":0,\"score\":1.0},\"reward\":null,\"done\":false,\"metadata\":{\"step\":3}}");
    }

    @Test
    void nonFiniteNumbersBecomeNull() {
        var result = new StepResult<>(new Observed("x", 1, Double.NaN), Double.POSITIVE_INFINITY, false, Map.of());
        assertThat(codec.write(codec.envelope(result)))
                .isEqualTo("{\"observation\":{\"metadata\":{},\"echoed_message\":\"x\",\"message_length\":1,\"score\":null},\"reward\":null,\"done\":false}");
    }

    @Test
    void boundsAreCheckedLikePydanticsFieldConstraints() {
        assertThat(decode("{\"wait_seconds\":60,\"count\":9}", Samples.Limited.class).waitSeconds()).isEqualTo(60.0);
        assertThat(codec.write(codec.errors(errors("{\"wait_seconds\":-1}", Samples.Limited.class), true)))
                .isEqualTo("[{\"type\":\"greater_than_equal\",\"loc\":[\"wait_seconds\"],\"msg\":\"Input should be greater than or equal to 0\","
                        + "\"input\":-1,\"ctx\":{\"ge\":0.0},\"url\":\"https://errors.pydantic.dev/2.14/v/greater_than_equal\"}]");
        var both = errors("{\"wait_seconds\":60.5,\"count\":0}", Samples.Limited.class);
        assertThat(both).extracting(ValidationError::type).containsExactly("less_than_equal", "greater_than");
        assertThat(both.get(1).msg()).isEqualTo("Input should be greater than 0");
        assertThat(both.get(1).ctx()).isEqualTo(Map.of("gt", 0L));
        assertThat(errors("{\"count\":10}", Samples.Limited.class).get(0).msg()).isEqualTo("Input should be less than 10");
    }

    @Test
    void bindsEveryKindOfField() {
        var e = decode("""
                {"text":"t","count":3,"big":9000000000,"ratio":0.5,"flag":true,"move":"LEFT","mark":"o",
                 "tags":["a","b"],"extra":{"k":[1,2]},"at":{"x":1,"y":2}}""", Everything.class);
        assertThat(e).isEqualTo(new Everything("t", 3, 9_000_000_000L, 0.5, true, Move.LEFT, Mark.NOUGHT,
                List.of("a", "b"), Map.of("k", List.of(1, 2)), new Point(1, 2)));
        assertThat(codec.toTree(e).path("mark").asString()).isEqualTo("o");
    }

    @ParameterizedTest(name = "{0} for an int is {1}")
    @CsvSource(delimiter = '|', value = {
        "\"42\"  | 42",
        "42.0    | 42",
        "true    | 1",
        "1.5     | int_from_float",
        "\"abc\" | int_parsing",
        "null    | int_type",
        "[]      | int_type"})
    void integersFollowPydanticLaxMode(String input, String outcome) {
        String json = "{\"column\":" + input + "}";
        if (outcome.matches("\\d+")) {
            assertThat(decode(json, WithDefaults.class).column()).isEqualTo(Integer.parseInt(outcome));
        } else {
            assertThat(errors(json, WithDefaults.class)).singleElement().satisfies(err -> {
                assertThat(err.type()).isEqualTo(outcome);
                assertThat(err.loc()).containsExactly("column");
            });
        }
    }

    @Test
    void aNumberIsNotAString() {
        assertThat(errors("{\"column\":1,\"note\":5}", WithDefaults.class))
                .extracting(ValidationError::type, ValidationError::loc)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("string_type", List.of("note")));
    }

    @Test
    void defaultsFillMissingFieldsAndNullIsAllowedWhereTheDefaultIsNull() {
        assertThat(decode("{}", WithDefaults.class)).isEqualTo(new WithDefaults(0, null, true, Map.of()));
        assertThat(decode("{\"note\":null,\"loud\":\"no\",\"metadata\":{\"a\":1}}", WithDefaults.class))
                .isEqualTo(new WithDefaults(0, null, false, Map.of("a", 1)));
    }

    @Test
    void everyFailureIsReportedWithItsLocation() {
        var errs = errors("{\"text\":1,\"count\":\"x\",\"move\":\"NORTH\",\"tags\":[\"ok\",2],\"at\":{\"x\":1},\"bogus\":true}",
                Everything.class);
        assertThat(errs).extracting(ValidationError::type).containsExactly(
                "string_type", "int_parsing", "missing", "missing", "missing", "enum", "missing", "string_type",
                "missing", "missing", "extra_forbidden");
        assertThat(errs.get(7).loc()).containsExactly("tags", 1);
        assertThat(errs.get(9).loc()).containsExactly("at", "y");
        assertThat(errs.get(5).msg()).isEqualTo("Input should be 'UP', 'DOWN', 'LEFT' or 'RIGHT'");
    }

    @Test
    void unknownFieldsAreRejectedButTheBaseMetadataIsAccepted() {
        assertThat(decode("{\"column\":2,\"metadata\":{\"trace\":\"t\"}}", Checked.class)).isEqualTo(new Checked(2));
        assertThat(errors("{\"column\":2,\"colour\":\"red\"}", Checked.class)).singleElement()
                .satisfies(e -> {
                    assertThat(e.type()).isEqualTo("extra_forbidden");
                    assertThat(e.loc()).containsExactly("colour");
                    assertThat(e.msg()).isEqualTo("Extra inputs are not permitted");
                });
    }

    @Test
    void compactConstructorChecksBecomeValueErrors() {
        assertThat(errors("{\"column\":9}", Checked.class)).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("value_error");
            assertThat(e.msg()).isEqualTo("Value error, column must be 0..6, got 9");
        });
    }

    @Test
    void nonObjectsAreRejectedAsAWhole() {
        assertThat(errors("[1]", Checked.class)).singleElement()
                .satisfies(e -> assertThat(e.type()).isEqualTo("model_attributes_type"));
    }

    @Test
    void errorListsHaveTheReferenceShape() {
        var json = codec.write(codec.errors(errors("{\"column\":\"x\"}", Checked.class), true));
        assertThat(json).isEqualTo("[{\"type\":\"int_parsing\",\"loc\":[\"column\"],\"msg\":\"Input should be a valid integer, "
                + "unable to parse string as an integer\",\"input\":\"x\",\"url\":\"https://errors.pydantic.dev/2.14/v/int_parsing\"}]");
    }

    @Test
    void malformedJsonReportsWhereItBroke() {
        assertThatThrownBy(() -> codec.parse("{\"a\": }")).isInstanceOfSatisfying(MalformedJsonException.class,
                e -> assertThat(e.offset()).isEqualTo(6));
        assertThatThrownBy(() -> codec.parse("")).isInstanceOf(MalformedJsonException.class);
    }
}
