package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.json.WireCodec;
import dev.openenv.server.VectorReplayTest.Level;
import dev.openenv.server.testing.LocalServers;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Our bench environment answers the reference benchmark environment's recorded exchanges exactly (the
 * benchmark compares the two servers, so they must do the same work): bodies, validation errors with
 * their bounds, metadata and the whole JSON Schema. Only the instance hash and the process id differ.
 */
@Timeout(60)
class BenchVectorReplayTest {
    @RegisterExtension
    final LocalServers servers = new LocalServers();
    EnvServer server;

    /** A fresh server per test: HTTP requests share the default session, whose step count would carry over. */
    @BeforeEach
    void start() {
        server = servers.startBundled("bench", c -> c.withMaxConcurrentEnvs(4));
    }

    static Stream<String> httpVectors() {
        return Stream.of("bench-http-reset", "bench-http-step", "bench-http-step-defaults", "bench-http-step-negative-wait",
                "bench-http-step-unknown-field", "bench-http-metadata");
    }

    @ParameterizedTest
    @MethodSource("httpVectors")
    void httpExchangeMatchesTheReference(String vector) throws Exception {
        VectorReplayTest.replayHttp(server.baseUrl(), Vectors.load("bench_env/" + vector), Level.PORTABLE, "/observation/pid");
    }

    @ParameterizedTest
    @MethodSource("wsVectors")
    void webSocketConversationMatchesTheReference(String vector) throws Exception {
        VectorReplayTest.replayWs(server.baseUrl(), Vectors.load("bench_env/" + vector), "/data/observation/pid");
    }

    static Stream<String> wsVectors() {
        return Stream.of("bench-ws-episode", "bench-ws-validation-error");
    }

    @Test
    void schemaIsTheReferencesSchema() throws Exception {
        JsonNode want = Vectors.load("bench_env/schema.bench_env");
        var got = VectorReplayTest.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + "/schema")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        var schema = (tools.jackson.databind.node.ObjectNode) WireCodec.standard().parse(got.body());
        // reset_observation came with reference 0.8; this recording is of 0.2.3.
        assertThat(schema.remove("reset_observation")).isEqualTo(schema.get("observation"));
        assertThat(schema).isEqualTo(want);
    }
}
