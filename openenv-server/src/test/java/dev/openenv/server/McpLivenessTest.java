package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.json.WireCodec;
import dev.openenv.envs.echomcp.EchoMcpEnvironment;
import dev.openenv.server.testing.Await;
import dev.openenv.server.testing.LocalServers;
import dev.openenv.server.testing.WireTypes;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** {@code WS /mcp} has the liveness of {@code /ws}: half-open peers are dropped, abrupt drops free their slot at once. */
@Timeout(60)
class McpLivenessTest {
    static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

    @RegisterExtension
    final LocalServers servers = new LocalServers();

    @Test
    void underChurnEveryAbruptlyDroppedMcpSocketFreesItsSlotForTheNextAtOnce() throws Exception {
        // Default ping period (20 s): only the end of the connection itself can free a slot in time.
        EnvServer server = servers.start(EchoMcpEnvironment::new, WireTypes.ECHO_MCP, c -> c.withMaxConcurrentEnvs(2));
        int refused = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            var ws = RawWs.open(server.port(), "/mcp");
            ws.sendText(LIST);
            JsonNode reply = WireCodec.standard().parse(ws.nextMessage().text());
            if (!reply.has("result")) {
                refused++;
            }
            if (i % 2 == 0) {
                ws.reset();   // TCP reset
            } else {
                ws.close();   // FIN, no close frame
            }
        }
        System.out.printf("200 /mcp connect/drop cycles in %d ms, %d refused%n", (System.nanoTime() - start) / 1_000_000, refused);
        // Two slots, one connection at a time: a slot held until a heartbeat look (up to 5 s) refused nearly
        // every next connection; freed as the reader ends, a few lose the race on a loaded machine.
        assertThat(refused).as("connections refused for want of a slot").isLessThan(20);
        Await.until("every slot free", () -> server.activeSessions() == 0);
    }

    @Test
    void aHalfOpenMcpSocketAfterARequestIsDroppedWithinTheLivenessWindow() throws Exception {
        EnvServer server = servers.start(EchoMcpEnvironment::new, WireTypes.ECHO_MCP, c -> c.withPingInterval(Duration.ofMillis(200)));
        try (var ws = RawWs.open(server.port(), "/mcp")) {
            ws.sendText(LIST);
            assertThat(WireCodec.standard().parse(ws.nextMessage().text()).has("result")).isTrue();
            long silent = System.nanoTime();   // from now on: nothing read, nothing answered
            Await.until("the half-open session dropped", () -> server.activeSessions() == 0);
            assertThat(Duration.ofNanos(System.nanoTime() - silent)).isLessThan(Duration.ofSeconds(5));
        }
    }
}
