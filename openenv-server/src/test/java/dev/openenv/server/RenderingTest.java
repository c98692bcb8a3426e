package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.json.WireCodec;
import dev.openenv.server.testing.LocalServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** The reset option "render": a picture of the state in every observation's metadata of that episode, only when asked. */
@Timeout(60)
class RenderingTest {
    @RegisterExtension
    final LocalServers servers = new LocalServers();

    private JsonNode post(String path, String body, int status) throws Exception {
        var response = servers.post(path, body);
        assertThat(response.statusCode()).as("%s %s: %s", path, body, response.body()).isEqualTo(status);
        return WireCodec.standard().parse(response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"connect4", "gridworld", "snake", "wordle", "blackjack"})
    void gamesRenderTextAndSvgWhenAskedAndOnlyThen(String env) throws Exception {
        servers.startBundled(env, c -> c);
        JsonNode plain = post("/reset", "{\"seed\":3}", 200);
        assertThat(plain.path("observation").path("metadata").has("render")).isFalse();

        JsonNode svg = post("/reset", "{\"seed\":3,\"render\":true}", 200);
        JsonNode picture = svg.path("observation").path("metadata").path("render");
        assertThat(picture.path("format").asString()).isEqualTo("svg");
        assertThat(picture.path("media_type").asString()).isEqualTo("image/svg+xml");
        assertThat(picture.path("content").asString()).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").endsWith("</svg>");
        assertThat(withoutRender(svg.path("observation"))).as("the option is the server's: the environment saw the same reset")
                .isEqualTo(plain.path("observation"));

        JsonNode text = post("/reset", "{\"seed\":3,\"render\":\"text\"}", 200);
        String board = text.path("metadata").path("render").path("content").asString();
        assertThat(board).isNotBlank().doesNotContain("\u001b");
        assertThat(text.path("metadata").path("render").path("format").asString()).isEqualTo("text");

        JsonNode refused = post("/reset", "{\"render\":\"png\"}", 422);
        assertThat(refused.path("detail").path(0).path("loc").toString()).contains("render");
        assertThat(refused.path("detail").path(0).path("msg").asString()).contains("renders svg, text");
    }

    @Test
    void theRenderingFollowsEveryStepOfTheEpisodeUntilAResetWithoutIt() throws Exception {
        servers.startBundled("connect4", c -> c);
        JsonNode first = post("/reset", "{\"seed\":1,\"render\":\"text\"}", 200);
        JsonNode stepped = post("/step", "{\"action\":{\"column\":3}}", 200);
        String before = first.path("metadata").path("render").path("content").asString();
        String after = stepped.path("metadata").path("render").path("content").asString();
        assertThat(after).isNotEqualTo(before).contains("X");
        post("/reset", "{\"seed\":1}", 200);
        assertThat(post("/step", "{\"action\":{\"column\":3}}", 200).path("metadata").isNull()).isTrue();
    }

    @Test
    void anEnvironmentThatDoesNotRenderSaysSo() throws Exception {
        servers.startBundled("echo", c -> c);
        JsonNode refused = post("/reset", "{\"render\":true}", 422);
        assertThat(refused.path("detail").path(0).path("msg").asString()).contains("this environment does not render");
        post("/reset", "{\"render\":false}", 200);
    }

    private static JsonNode withoutRender(JsonNode observation) {
        var copy = (tools.jackson.databind.node.ObjectNode) observation.deepCopy();
        ((tools.jackson.databind.node.ObjectNode) copy.path("metadata")).remove("render");
        return copy;
    }
}
