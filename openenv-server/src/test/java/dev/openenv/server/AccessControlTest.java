package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.envs.echo.EchoEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** With a token, nothing but /health answers without it; WebSocket upgrades from a foreign Origin stay refused. */
@Timeout(30)
class AccessControlTest {
    static final String TOKEN = "s3cret-token";
    final HttpClient http = HttpClient.newHttpClient();
    EnvServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        http.close();
    }

    EnvServer start(String token) {
        server = EnvServer.builder(EchoEnvironment::new).config(c -> c.withHost("127.0.0.1").withPort(0)).authToken(token).start();
        return server;
    }

    HttpResponse<String> post(String path, String authorization) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status line of a WebSocket handshake to {@code path}, with the given extra header lines. */
    String upgrade(String path, String... headers) throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            var sb = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
            for (String h : headers) {
                sb.append(h).append("\r\n");
            }
            socket.getOutputStream().write(sb.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            var line = new StringBuilder();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                line.append((char) b);
            }
            return line.toString().strip();
        }
    }

    @Test
    void withATokenEveryRouteAndUpgradeNeedsItButHealth() throws Exception {
        start(TOKEN);
        var refused = post("/reset", null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("bearer token");
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(post("/reset", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(post("/reset", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        var schema = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/schema")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(schema.statusCode()).isEqualTo(401);
        var health = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(upgrade("/ws")).doesNotContain("101");
        assertThat(upgrade("/mcp")).doesNotContain("101");
        assertThat(upgrade("/ws", "Authorization: Bearer " + TOKEN)).contains("101");
    }

    @Test
    void withoutATokenNothingChanges() throws Exception {
        start(null);
        assertThat(post("/reset", null).statusCode()).isEqualTo(200);
        assertThat(upgrade("/ws")).contains("101");
    }

    @Test
    void aWebSocketUpgradeFromAForeignOriginIsRefusedWith403() throws Exception {
        start(null);
        assertThat(upgrade("/ws", "Origin: http://evil.example")).contains("403");
        assertThat(upgrade("/ws", "Origin: http://127.0.0.1:" + server.port())).contains("101");
    }

    EnvServer startWithOrigins(String token, String... origins) {
        server = EnvServer.builder(EchoEnvironment::new).config(c -> c.withHost("127.0.0.1").withPort(0))
                .authToken(token).allowedOrigins(origins).start();
        return server;
    }

    @Test
    void listedOriginsAreAllowedOnTopOfTheServersOwn() throws Exception {
        startWithOrigins(null, "https://Trainer.example.org", "http://localhost:3000/");
        assertThat(upgrade("/ws", "Origin: https://trainer.example.org")).contains("101");
        assertThat(upgrade("/ws", "Origin: https://trainer.example.org:443")).as("default port").contains("101");
        assertThat(upgrade("/ws", "Origin: http://localhost:3000")).contains("101");
        assertThat(upgrade("/mcp", "Origin: http://localhost:3000")).contains("101");
        assertThat(upgrade("/ws", "Origin: http://127.0.0.1:" + server.port())).as("still its own").contains("101");
        assertThat(upgrade("/ws", "Origin: http://localhost:3001")).contains("403");
        assertThat(upgrade("/ws", "Origin: http://trainer.example.org")).as("other scheme").contains("403");
        assertThat(upgrade("/ws", "Origin: null")).contains("403");
    }

    @Test
    void aStarAllowsAnyOrigin() throws Exception {
        startWithOrigins(null, "*");
        assertThat(upgrade("/ws", "Origin: http://evil.example")).contains("101");
    }

    @Test
    void listedOriginsGetCorsAnswersEvenToPreflightsWithoutTheToken() throws Exception {
        startWithOrigins(TOKEN, "https://trainer.example.org");
        var preflight = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/step"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://trainer.example.org").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://trainer.example.org");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow()).containsIgnoringCase("authorization");
        var call = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/reset")).POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Origin", "https://trainer.example.org").header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(call.statusCode()).isEqualTo(200);
        assertThat(call.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://trainer.example.org");
        assertThat(call.headers().firstValue("Access-Control-Expose-Headers").orElseThrow()).containsIgnoringCase("x-openenv-session");
        var stranger = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/step"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stranger.statusCode()).as("no preflight answer for strangers: the token filter refuses").isEqualTo(401);
        assertThat(stranger.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void anOriginThatIsNotOneIsRefusedAtConfiguration() {
        assertThatThrownBy(() -> EnvServer.builder(EchoEnvironment::new).allowedOrigins("trainer.example.org"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheme://host");
        assertThatThrownBy(() -> EnvServer.builder(EchoEnvironment::new).allowedOrigins("https://a.example/path"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
