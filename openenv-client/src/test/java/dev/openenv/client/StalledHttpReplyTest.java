package dev.openenv.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A server that sends the response headers and then stalls must not hang an HTTP call past its reply timeout. */
@Timeout(30)
class StalledHttpReplyTest {
    @Test
    void aBodyThatNeverCompletesEndsInTheReplyTimeout() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofVirtual().start(() -> {
                try (Socket s = listener.accept()) {
                    InputStream in = s.getInputStream();
                    in.read(new byte[8192]); // the request
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"observ")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(20_000); // ... and the rest never comes
                } catch (Exception e) {
                    // the client gave up and closed: expected
                }
            });
            var options = ClientOptions.defaults().withTransport(ClientOptions.Transport.HTTP).withReplyTimeout(Duration.ofSeconds(1));
            try (var env = GenericEnvClient.connect("http://127.0.0.1:" + listener.getLocalPort(), options)) {
                assertThatThrownBy(() -> env.step(Map.of("message", "x")))
                        .isInstanceOf(EnvClientException.class).hasMessageContaining("No reply");
            }
            server.interrupt();
        }
    }
}
