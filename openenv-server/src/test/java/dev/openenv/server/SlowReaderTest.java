package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.json.WireCodec;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.server.testing.Await;
import dev.openenv.server.testing.LocalServers;
import dev.openenv.server.testing.WireTypes;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** A peer that stops reading loses its slot after the send timeout, and never holds up anyone else's timers. */
@Timeout(60)
class SlowReaderTest {
    @RegisterExtension
    final LocalServers servers = new LocalServers();

    @Test
    void aPeerThatStopsReadingIsDroppedWhileOthersKeepTheirPingsAndIdleTimeouts() throws Exception {
        EnvServer server = servers.start(EchoEnvironment::new, WireTypes.ECHO, c -> c.withMaxConcurrentEnvs(2)
                .withPingInterval(Duration.ofMillis(200)).withIdleTimeout(Duration.ofSeconds(4)));
        try (var healthy = WsProbe.open(server.baseUrl(), "/ws");
             var stuck = RawWs.open(server.port(), "/ws", 4096)) {
            Await.until("two sessions", () -> server.activeSessions() == 2);
            // Steps with 256 KiB echoes that are never read: the server's writes to this peer block once the
            // socket buffers are full. The sender blocks too when the server stops reading; it is abandoned.
            String step = "{\"type\":\"step\",\"data\":{\"message\":\"" + "z".repeat(256 * 1024) + "\"}}";
            Thread flood = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 64; i++) {
                        stuck.sendText(step);
                    }
                } catch (Exception ignored) {
                    // dropped by the server, as it should be
                }
            });
            long stalled = System.nanoTime();
            int before = healthy.pings();
            Await.until("the healthy session pinged on time while the other stopped reading", Duration.ofSeconds(4),
                    () -> healthy.pings() >= before + 8);
            Await.until("the non-reading peer's slot freed", Duration.ofSeconds(10), () -> server.activeSessions() == 1);
            assertThat(Duration.ofNanos(System.nanoTime() - stalled)).as("dropped after the send timeout").isLessThan(Duration.ofSeconds(8));
            try (var next = WsProbe.open(server.baseUrl(), "/ws")) {
                next.sendText("{\"type\":\"reset\"}");
                assertThat(json(next.next()).path("type").asString()).isEqualTo("observation");
            }
            // The reaper is not held up either: the healthy but silent session is told it idled out.
            JsonNode idle = json(healthy.next());
            assertThat(idle.path("data").path("message").asString()).contains("idle");
            flood.join(Duration.ofSeconds(10));
        }
    }

    static JsonNode json(WsProbe.Frame f) {
        assertThat(f.kind()).as("frame %s", f).isEqualTo("text");
        return WireCodec.standard().parse(f.text());
    }
}
