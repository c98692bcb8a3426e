package dev.openenv.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.TimeBudget;
import dev.openenv.core.json.ActionValidationException;
import dev.openenv.core.json.MalformedJsonException;
import dev.openenv.core.json.WireCodec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ProtocolTest {
    private final WireCodec codec = WireCodec.standard();

    @Test
    void everyClientMessageSurvivesARoundTripThroughItsJson() {
        List<ClientMessage> messages = List.of(
                ClientMessage.Reset.of(ResetRequest.seeded(1).withEpisodeId("e"), codec),
                new ClientMessage.Step(codec.parse("{\"message\":\"hi\"}")),
                new ClientMessage.State(),
                new ClientMessage.Close(),
                new ClientMessage.Mcp(codec.parse("{\"jsonrpc\":\"2.0\",\"method\":\"tools/list\",\"id\":1}")));
        for (ClientMessage m : messages) {
            ClientMessage read = ClientMessage.parse(codec.parse(codec.write(m.toJson())));
            assertThat(read.getClass()).isEqualTo(m.getClass());
            assertThat(codec.write(read.toJson())).isEqualTo(codec.write(m.toJson()));
        }
    }

    @Test
    void envelopesWithExtraMembersOrMissingDataAreValidationFailures() {
        assertThatThrownBy(() -> ClientMessage.parse(codec.parse("{\"type\":\"step\"}")))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.failure().code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
                    assertThat(((Failure.Invalid) e.failure()).errors().getFirst().type()).isEqualTo("missing");
                });
        assertThatThrownBy(() -> ClientMessage.parse(codec.parse("{\"type\":\"reset\",\"extra\":1}")))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(((Failure.Invalid) e.failure()).errors().getFirst().type()).isEqualTo("extra_forbidden"));
        assertThatThrownBy(() -> ClientMessage.parse(codec.parse("{\"type\":\"dance\"}")))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.failure()).isEqualTo(new Failure.UnknownType("dance")));
    }

    @Test
    void anErrorFrameIsReadBackWithItsCodeMessageAndDetails() {
        var frame = ServerMessage.Error.of(new Failure.CapacityReached(1, 1), codec).toJson();
        assertThat(codec.write(frame)).isEqualTo("{\"type\":\"error\",\"data\":{\"message\":\"Server at capacity: 1/1 sessions active."
                + " Cannot accept new connections.\",\"code\":\"CAPACITY_REACHED\",\"active_sessions\":1,\"max_sessions\":1}}");
        var read = (ServerMessage.Error) ServerMessage.parse(frame);
        assertThat(read.code()).isEqualTo(ErrorCode.CAPACITY_REACHED);
        assertThat(read.detailValues()).containsEntry("max_sessions", 1);
    }

    @Test
    void anUnknownCodeFromANewerServerIsKeptRawRatherThanLost() {
        var read = (ServerMessage.Error) ServerMessage.parse(codec.parse("{\"type\":\"error\",\"data\":{\"message\":\"m\",\"code\":\"NEW_CODE\"}}"));
        assertThat(read.code()).isEqualTo(ErrorCode.UNKNOWN);
        assertThat(read.rawCode()).isEqualTo("NEW_CODE");
    }

    @Test
    void eachFailureMapsToOneStatusOneWebSocketCodeAndOneJsonRpcCode() {
        assertThat(Failure.of(new MalformedJsonException("bad", 3)))
                .satisfies(f -> {
                    assertThat(f.httpStatus()).isEqualTo(422);
                    assertThat(f.code()).isEqualTo(ErrorCode.INVALID_JSON);
                    assertThat(f.jsonRpcCode()).isEqualTo(-32700);
                });
        assertThat(Failure.of(new ActionValidationException(List.of())).httpStatus()).isEqualTo(422);
        assertThat(Failure.of(new TimeBudget.Exceeded(Duration.ofSeconds(2)))).isEqualTo(new Failure.Timeout(Duration.ofSeconds(2)));
        assertThat(new Failure.Timeout(Duration.ofSeconds(2)).httpStatus()).isEqualTo(504);
        assertThat(new Failure.CapacityReached(2, 2).httpStatus()).isEqualTo(503);
        assertThat(Failure.of(new ExecutionException(new IllegalStateException("boom"))))
                .isEqualTo(new Failure.Execution("boom"));
        assertThat(Failure.of(new ProtocolException(new Failure.NotFound("no such session"))).httpStatus()).isEqualTo(404);
    }

    @Test
    void theServersOwnFailuresMapToTheReferencesStatusesAndJsonRpcCodes() {
        var body = new Failure.InvalidBody(List.of(new dev.openenv.core.json.ValidationError("missing", List.of("body"), "Field required",
                tools.jackson.databind.node.JsonNodeFactory.instance.nullNode(), null)));
        assertThat(body.httpStatus()).isEqualTo(422);
        assertThat(body.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
        assertThat(ServerMessage.Error.of(body, codec).details().path("errors").path(0).has("url"))
                .as("body errors are FastAPI's request errors, without pydantic's url").isFalse();
        assertThat(new Failure.InvalidParams("Unknown session_id: x").jsonRpcCode()).isEqualTo(-32602);
        var notAllowed = new Failure.MethodNotAllowed("POST");
        assertThat(notAllowed.httpStatus()).isEqualTo(405);
        assertThat(notAllowed.message()).isEqualTo("Method Not Allowed");
        assertThat(new Failure.Timeout(Duration.ofMillis(200)).message())
                .isEqualTo("Step exceeded its timeout of 0.2 s and was interrupted");
    }

    @Test
    void resetDataIsReadLeniently() {
        var r = ClientMessage.decodeRequest(codec.parse("{\"seed\":\"12\",\"episode_id\":\"e\",\"split\":\"test\",\"index\":4.0,\"opponent\":\"random\"}"), codec);
        assertThat(r).isEqualTo(new ResetRequest(12L, "e", "test", 4, java.util.Map.of("opponent", "random")));
        assertThatThrownBy(() -> ClientMessage.decodeRequest(codec.parse("{\"seed\":1.5}"), codec))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(((Failure.Invalid) e.failure()).errors().getFirst().type()).isEqualTo("int_from_float"));
    }

    @Test
    void anHttpErrorReadsBackAsTheCodeItsFailureCarries() {
        // What the HTTP routes send for each failure, read the way a client reads it.
        var routes = List.of(new Failure.Execution("boom"), new Failure.Timeout(Duration.ofSeconds(1)),
                new Failure.CapacityReached(2, 2), new Failure.BadRequest("bad"), new Failure.NotFound("Unknown session: x"));
        for (Failure f : routes) {
            var read = ServerMessage.Error.fromHttp(f.httpStatus(), "{\"detail\":\"" + f.message() + "\"}", codec);
            assertThat(read.code()).as(f.toString()).isEqualTo(f.code());
            assertThat(read.message()).isEqualTo(f.message());
            assertThat(read.details().path("status").asInt()).isEqualTo(f.httpStatus());
        }
        var invalid = ServerMessage.Error.fromHttp(422,
                "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"action\"],\"msg\":\"Field required\"}]}", codec);
        assertThat(invalid.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
        assertThat(invalid.details().path("errors").path(0).path("type").asString()).isEqualTo("missing");
        var proxy = ServerMessage.Error.fromHttp(502, "<html>Bad Gateway</html>", codec);
        assertThat(proxy.code()).isEqualTo(ErrorCode.EXECUTION_ERROR);
        assertThat(proxy.message()).isEqualTo("<html>Bad Gateway</html>");
    }
}
