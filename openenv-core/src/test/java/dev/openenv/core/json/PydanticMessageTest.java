package dev.openenv.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/** Pydantic's message text, checked against strings the 0.10.0 reference (pydantic 2.14) produced. */
@Timeout(10)
class PydanticMessageTest {
    private final WireCodec codec = WireCodec.standard();

    private JsonNode json(String text) {
        return codec.parse(text);
    }

    @Test
    void valuesAreShownAsPythonReprsThem() {
        assertThat(PythonRepr.repr(json("{\"a\":[1,2.5,true,null,\"x\"]}"))).isEqualTo("{'a': [1, 2.5, True, None, 'x']}");
        assertThat(PythonRepr.repr(json("\"it's \\\"q\\\" \\n é\""))).isEqualTo("'it\\'s \"q\" \\n é'");
        assertThat(PythonRepr.repr(json("\"it's\""))).isEqualTo("\"it's\"");
        assertThat(PythonRepr.repr(json("1e20"))).isEqualTo("1e+20");
        assertThat(PythonRepr.repr(json("1.0e-7"))).isEqualTo("1e-07");
        assertThat(PythonRepr.repr(json("100.0"))).isEqualTo("100.0");
        assertThat(PythonRepr.repr(json("0.0001"))).isEqualTo("0.0001");
        assertThat(PythonRepr.repr(json("123456789012345678.5"))).isEqualTo("1.2345678901234568e+17");
        assertThat(PythonRepr.repr(json("12345678901234567890123"))).isEqualTo("12345678901234567890123");
        assertThat(PythonRepr.typeName(json("4.5"))).isEqualTo("float");
        assertThat(PythonRepr.typeName(json("null"))).isEqualTo("NoneType");
    }

    @Test
    void longValuesAreShortenedInTheMiddleAsPydanticDoes() {
        assertThat(PythonRepr.shown(json("\"" + "x".repeat(49) + "\"")))
                .isEqualTo("'" + "x".repeat(24) + "..." + "x".repeat(23) + "'");
        assertThat(PythonRepr.shown(json("\"" + "x".repeat(48) + "\""))).isEqualTo("'" + "x".repeat(48) + "'");
        assertThat(PythonRepr.shown(json("{\"k\":[" + "1,".repeat(99) + "1]}")))
                .isEqualTo("{'k': [1, 1, 1, 1, 1, 1, ...1, 1, 1, 1, 1, 1, 1, 1]}");
    }

    @Test
    void describeWritesStrOfValidationError() {
        var errors = List.of(
                new ValidationError("literal_error", List.of("jsonrpc"), "Input should be '2.0'", json("\"1.0\""), null),
                new ValidationError("extra_forbidden", List.of("extra"), "Extra inputs are not permitted", json("{\"a\":[1,2.5,true,null,\"x\"]}"), null));
        assertThat(ValidationError.describe("JsonRpcRequest", errors)).isEqualTo("2 validation errors for JsonRpcRequest\n"
                + "jsonrpc\n  Input should be '2.0' [type=literal_error, input_value='1.0', input_type=str]\n"
                + "    For further information visit https://errors.pydantic.dev/2.14/v/literal_error\n"
                + "extra\n  Extra inputs are not permitted [type=extra_forbidden, input_value={'a': [1, 2.5, True, None, 'x']}, input_type=dict]\n"
                + "    For further information visit https://errors.pydantic.dev/2.14/v/extra_forbidden");
    }

    @Test
    void theDocumentationLinksFollowThePydanticTheInteropSuitePins() throws IOException {
        Path requirements = Path.of("..", "interop", "requirements.txt");
        var pin = Pattern.compile("(?m)^pydantic==(\\d+\\.\\d+)\\.").matcher(Files.readString(requirements));
        assertThat(pin.find()).as("interop/requirements.txt pins pydantic").isTrue();
        assertThat(ValidationError.PYDANTIC_VERSION).isEqualTo(pin.group(1));
    }
}
