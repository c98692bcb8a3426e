package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.openenv.core.json.WireCodec;
import dev.openenv.envs.BundledEnvironments;
import dev.openenv.server.testing.LocalServers;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every bundled environment's {@code /schema} tells the truth about its wire: sample actions the
 * server accepts validate against the published action schema (and ones it refuses do not), and the
 * observations and states it actually sends validate against the published observation, reset
 * observation and state schemas — checked with a real JSON Schema validator (networknt, draft 2020-12).
 */
@Timeout(120)
class PublishedSchemaTest {
    private static final WireCodec CODEC = WireCodec.standard();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    @RegisterExtension
    final LocalServers servers = new LocalServers();

    /** Actions the server accepts, per bundled environment (each played in order after a reset). */
    static final Map<String, List<String>> ACCEPTED = Map.ofEntries(
            Map.entry("echo", List.of("{\"message\":\"hi\"}", "{\"message\":\"\",\"metadata\":{\"k\":[1,{\"x\":null}]}}")),
            Map.entry("echo-mcp", List.of("{\"type\":\"list_tools\"}",
                    "{\"type\":\"call_tool\",\"tool_name\":\"echo_message\",\"arguments\":{\"message\":\"hi\"},\"metadata\":{\"trace\":1}}",
                    "{\"type\":\"call_tool\",\"tool_name\":\"echo_with_length\",\"arguments\":{\"message\":\"héllo\"}}",
                    "{\"type\":\"call_tool\",\"tool_name\":\"nope\",\"arguments\":{}}",
                    "{\"type\":\"call_tool\",\"tool_name\":\"echo_message\",\"arguments\":{\"message\":3}}")),
            Map.entry("gridworld", List.of("{\"action\":\"UP\"}", "{\"action\":\"RIGHT\"}", "{\"action\":\"DOWN\"}")),
            Map.entry("connect4", List.of("{\"column\":3}", "{\"column\":3}", "{\"column\":0}")),
            Map.entry("blackjack", List.of("{\"action\":\"hit\"}", "{\"action\":\"stand\"}")),
            Map.entry("wordle", List.of("{\"guess\":\"crane\"}", "{\"guess\":\"slate\"}")),
            Map.entry("snake", List.of("{\"direction\":\"UP\"}", "{\"direction\":\"LEFT\"}")),
            Map.entry("coding", List.of("{\"code\":\"print(1)\"}", "{\"code\":\"print(2)\",\"language\":\"python\"}",
                    "{\"code\":\"1 + 1\",\"language\":\"java\"}", "{\"code\":\"raise SystemExit(3)\"}")),
            Map.entry("bench", List.of("{\"wait_seconds\":0,\"payload\":\"x\"}", "{}")),
            Map.entry("fault", List.of("{\"message\":\"x\"}", "{\"raise_error\":false,\"sleep_s\":0}")));

    /** Actions the server refuses with a validation error, which the schema must refuse too. */
    static final Map<String, List<String>> REFUSED = Map.ofEntries(
            Map.entry("echo", List.of("{\"message\":3}", "{\"message\":\"x\",\"extra\":1}")),
            Map.entry("echo-mcp", List.of("{\"type\":\"call_tool\",\"tool_name\":\"echo_message\",\"arguments\":[]}")),
            Map.entry("gridworld", List.of("{\"action\":\"SIDEWAYS\"}")),
            Map.entry("connect4", List.of("{\"column\":\"x\"}")),
            Map.entry("blackjack", List.of("{\"action\":\"fold\"}")),
            Map.entry("wordle", List.of("{\"guess\":5}")),
            Map.entry("snake", List.of("{\"direction\":\"NORTH\"}")),
            Map.entry("coding", List.of("{\"code\":\"print(1)\",\"language\":\"PYTHON\"}", "{\"code\":\"x\",\"language\":\"cobol\"}")),
            Map.entry("bench", List.of("{\"wait_seconds\":-1}")),
            Map.entry("fault", List.of("{\"raise_error\":[1]}")));

    static Stream<String> environments() {
        return BundledEnvironments.all().stream().map(BundledEnvironments.Entry::name);
    }

    @ParameterizedTest
    @MethodSource("environments")
    void whatTheServerSendsFitsWhatItPublishes(String name) throws Exception {
        assertThat(ACCEPTED).as("sample actions for every bundled environment").containsKey(name);
        EnvServer server = servers.startBundled(name, c -> c);
        JsonNode published = CODEC.parse(servers.get("/schema").body());
        Schema action = schema(published, "action");
        Schema observation = schema(published, "observation");
        Schema resetObservation = schema(published, "reset_observation");
        Schema state = schema(published, "state");

        for (String refused : REFUSED.getOrDefault(name, List.of())) {
            assertThat(servers.post("/step", "{\"action\":" + refused + "}").statusCode()).as("server refuses %s", refused).isEqualTo(422);
            assertThat(errors(action, refused)).as("schema refuses %s", refused).isNotEmpty();
        }
        try (WsProbe ws = WsProbe.open(server.baseUrl(), "/ws")) {
            JsonNode reset = exchange(ws, "{\"type\":\"reset\",\"data\":{\"seed\":7}}");
            assertThat(errors(resetObservation, reset.path("observation").toString())).as("reset observation %s", reset).isEmpty();
            for (String sent : ACCEPTED.get(name)) {
                assertThat(errors(action, sent)).as("schema accepts %s", sent).isEmpty();
                JsonNode reply = exchange(ws, "{\"type\":\"step\",\"data\":" + sent + "}");
                assertThat(errors(observation, reply.path("observation").toString())).as("observation after %s: %s", sent, reply).isEmpty();
                if (reply.path("done").asBoolean()) {
                    exchange(ws, "{\"type\":\"reset\",\"data\":{}}");
                }
            }
            JsonNode st = exchange(ws, "{\"type\":\"state\"}");
            assertThat(errors(state, st.toString())).as("state %s", st).isEmpty();
        }
    }

    private static Schema schema(JsonNode published, String part) {
        assertThat(published.has(part)).as("/schema has %s", part).isTrue();
        return SCHEMAS.getSchema(published.get(part).toString(), InputFormat.JSON);
    }

    private static List<String> errors(Schema schema, String json) {
        return schema.validate(json, InputFormat.JSON).stream().map(Object::toString).toList();
    }

    /** Sends one message and returns the {@code data} of its reply, failing on an error reply. */
    private static JsonNode exchange(WsProbe ws, String message) throws Exception {
        ws.sendText(message);
        JsonNode reply = CODEC.parse(ws.next().text());
        assertThat(reply.path("type").asString()).as("reply to %s: %s", message, reply).isNotEqualTo("error");
        return reply.path("data");
    }
}
