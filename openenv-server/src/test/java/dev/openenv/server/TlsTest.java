package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.core.OpenEnvException;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.server.testing.LocalServers;
import dev.openenv.server.testing.SelfSignedPem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** TLS from two PEM files: HTTPS and wss:// served, plain HTTP not, bad files refused when the server is built. */
@Timeout(60)
class TlsTest {
    @TempDir
    static Path dir;
    static SelfSignedPem pem;

    @RegisterExtension
    final LocalServers servers = new LocalServers();

    @BeforeAll
    static void certificate() throws Exception {
        pem = SelfSignedPem.create(dir);
    }

    EnvServer start() {
        return servers.closeAfter(EnvServer.builder(EchoEnvironment::new).types(SessionLifecycleTest.ECHO)
                .config(LocalServers.local()).tls(pem.cert(), pem.key()).start());
    }

    @Test
    void httpsAndWssServeAnEpisode() throws Exception {
        EnvServer server = start();
        assertThat(server.baseUrl()).startsWith("https://127.0.0.1:");
        try (HttpClient http = HttpClient.newBuilder().sslContext(pem.trustingIt()).build()) {
            var reset = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/reset"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(reset.statusCode()).isEqualTo(200);
            assertThat(reset.body()).contains("observation");

            var reply = new CompletableFuture<String>();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(server.baseUrl().replace("https://", "wss://") + "/ws"),
                    new WebSocket.Listener() {
                        final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                reply.complete(text.toString());
                            }
                            w.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            ws.sendText("{\"type\":\"reset\",\"data\":{}}", true);
            assertThat(reply.get(10, TimeUnit.SECONDS)).contains("\"type\":\"observation\"");
            ws.abort();
        }
    }

    @Test
    void plainHttpIsNotServedOnATlsPort() throws Exception {
        EnvServer server = start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            var plain = HttpRequest.newBuilder(URI.create(server.baseUrl().replace("https://", "http://") + "/health")).build();
            assertThatThrownBy(() -> http.send(plain, HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
        }
        assertThat(server.activeSessions()).isZero();
    }

    @Test
    void anUntrustedClientIsRefusedAndTheServerGoesOn() throws Exception {
        EnvServer server = start();
        try (HttpClient untrusting = HttpClient.newHttpClient()) {
            var req = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health")).build();
            assertThatThrownBy(() -> untrusting.send(req, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        }
        try (HttpClient http = HttpClient.newBuilder().sslContext(pem.trustingIt()).build()) {
            assertThat(http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void missingOrWrongFilesFailWhenTheServerIsBuilt() throws Exception {
        Path missing = dir.resolve("nope.pem");
        assertThatThrownBy(() -> EnvServer.builder(EchoEnvironment::new).types(SessionLifecycleTest.ECHO)
                .config(LocalServers.local()).tls(pem.cert(), missing).build())
                .isInstanceOf(OpenEnvException.class).hasMessageContaining("nope.pem");
        Path notAKey = Files.writeString(dir.resolve("garbage.pem"), "hello\n");
        assertThatThrownBy(() -> EnvServer.builder(EchoEnvironment::new).types(SessionLifecycleTest.ECHO)
                .config(LocalServers.local()).tls(pem.cert(), notAKey).build())
                .isInstanceOf(OpenEnvException.class).hasMessageContaining("garbage.pem");
    }

    @Test
    void theVariablesComeInPairs() {
        assertThat(TlsFiles.fromEnvironment(Map.of())).isEmpty();
        assertThat(TlsFiles.fromEnvironment(Map.of("OPENENV_TLS_CERT", "/a.pem", "OPENENV_TLS_KEY", "/b.pem")))
                .hasValue(new TlsFiles(Path.of("/a.pem"), Path.of("/b.pem")));
        assertThatThrownBy(() -> TlsFiles.fromEnvironment(Map.of("OPENENV_TLS_CERT", "/a.pem")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OPENENV_TLS_KEY");
    }
}
