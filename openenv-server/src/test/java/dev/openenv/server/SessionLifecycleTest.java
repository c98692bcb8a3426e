package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.BasicState;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.OpenEnvException;
import dev.openenv.core.json.WireCodec;
import dev.openenv.envs.echo.EchoAction;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.envs.echo.EchoObservation;
import dev.openenv.envs.fault.FaultAction;
import dev.openenv.envs.fault.FaultEnvironment;
import dev.openenv.envs.fault.FaultObservation;
import dev.openenv.server.testing.Await;
import dev.openenv.server.testing.LocalServers;
import dev.openenv.server.testing.WireTypes;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** Sessions end cleanly on every path, and the environment is always closed. */
@Timeout(60)
class SessionLifecycleTest {
    static final EnvironmentType<EchoAction, EchoObservation, BasicState> ECHO = WireTypes.ECHO;
    static final EnvironmentType<FaultAction, FaultObservation, BasicState> FAULT = WireTypes.FAULT;

    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    @RegisterExtension
    final LocalServers servers = new LocalServers();
    EnvServer server;

    /** Two sessions, then the test's changes. */
    static UnaryOperator<ServerConfig> local(UnaryOperator<ServerConfig> change) {
        return c -> change.apply(c.withMaxConcurrentEnvs(2));
    }

    EnvServer counting(UnaryOperator<ServerConfig> config) {
        return servers.start(() -> CountingEnvironment.echo(created, closed), ECHO, local(config));
    }

    static JsonNode json(WsProbe.Frame f) {
        assertThat(f.kind()).as("frame %s", f).isEqualTo("text");
        return WireCodec.standard().parse(f.text());
    }

    @Test
    void anAbruptlyDroppedConnectionFreesItsSlotAtOnce() throws Exception {
        // Default ping period (20 s): only the end of the connection itself can free the slot in time.
        server = counting(c -> c.withMaxConcurrentEnvs(1));
        for (int i = 0; i < 5; i++) {   // a trainer crashing and reconnecting at full capacity
            var ws = WsProbe.open(server.baseUrl(), "/ws");
            ws.sendText("{\"type\":\"reset\"}");
            assertThat(json(ws.next()).path("type").asString()).isEqualTo("observation");
            long dropped = System.nanoTime();
            ws.close();   // TCP close, no close frame, no close message
            Await.until("no active session", () -> server.activeSessions() == 0);
            assertThat(Duration.ofNanos(System.nanoTime() - dropped)).isLessThan(Duration.ofMillis(500));
        }
        assertThat(closed.get()).isEqualTo(5);
    }

    @Test
    void closeMessageEndsTheSessionAndFreesTheSlot() throws Exception {
        server = counting(c -> c.withMaxConcurrentEnvs(1));
        try (var ws = WsProbe.open(server.baseUrl(), "/ws")) {
            ws.sendText("{\"type\":\"reset\"}");
            assertThat(json(ws.next()).path("type").asString()).isEqualTo("observation");
            ws.sendText("{\"type\":\"close\"}");
            assertThat(ws.next().kind()).isEqualTo("close");
        }
        Await.until("the environment closed and its slot free", () -> closed.get() == 1 && server.activeSessions() == 0);
        try (var again = WsProbe.open(server.baseUrl(), "/ws")) {
            again.sendText("{\"type\":\"state\"}");
            assertThat(json(again.next()).path("type").asString()).isEqualTo("state");
        }
    }

    @Test
    void anAbruptDisconnectClosesTheEnvironment() throws Exception {
        server = counting(c -> c.withPingInterval(Duration.ofMillis(400)));
        var ws = WsProbe.open(server.baseUrl(), "/ws");
        ws.sendText("{\"type\":\"reset\"}");
        ws.next();
        ws.close(); // abort: no close frame
        Await.until("the environment closed and its slot free", () -> closed.get() == 1 && server.activeSessions() == 0);
    }

    @Test
    void idleSessionsAreToldAndClosed() throws Exception {
        server = counting(c -> c.withIdleTimeout(Duration.ofMillis(300)));
        try (var ws = WsProbe.open(server.baseUrl(), "/ws")) {
            JsonNode error = json(ws.next());
            assertThat(error.path("data").path("code").asString()).isEqualTo("SESSION_ERROR");
            assertThat(error.path("data").path("message").asString()).contains("idle");
            assertThat(ws.next().kind()).isEqualTo("close");
        }
        Await.until("the environment closed and its slot free", () -> closed.get() == 1 && server.activeSessions() == 0);
    }

    @Test
    void aStepLongerThanTheIdleTimeoutIsNotIdleness() throws Exception {
        server = servers.start(FaultEnvironment::new, FAULT, local(c -> c.withIdleTimeout(Duration.ofMillis(300))));
        try (var ws = WsProbe.open(server.baseUrl(), "/ws")) {
            ws.sendText("{\"type\":\"step\",\"data\":{\"sleep_s\":1.2,\"message\":\"slow\"}}");
            JsonNode reply = json(ws.next());
            assertThat(reply.path("type").asString()).isEqualTo("observation");
            assertThat(reply.path("data").path("observation").path("message").asString()).isEqualTo("slow");
        }
    }

    @Test
    void shutdownClosesEveryEnvironment() throws Exception {
        server = counting(c -> c);
        var a = WsProbe.open(server.baseUrl(), "/ws");
        var b = WsProbe.open(server.baseUrl(), "/ws");
        Await.until("two environments built", () -> created.get() == 2);
        server.close();
        assertThat(closed.get()).isEqualTo(2);
        assertThat(json(a.next()).path("data").path("code").asString()).isEqualTo("SESSION_ERROR");
        a.close();
        b.close();
    }

    @Test
    void aFailingFactoryIsReportedAndFreesItsSlot() throws Exception {
        java.util.function.Supplier<EchoEnvironment> failing = () -> {
            throw new OpenEnvException("no GPU today");
        };
        server = servers.start(failing, ECHO, c -> c.withMaxConcurrentEnvs(1));
        for (int i = 0; i < 2; i++) { // twice: the first failure must not leak the only slot
            try (var ws = WsProbe.open(server.baseUrl(), "/ws")) {
                JsonNode error = json(ws.next());
                assertThat(error.path("data").path("code").asString()).isEqualTo("FACTORY_ERROR");
                assertThat(error.path("data").path("factory_name").asString()).isEqualTo("echo");
                assertThat(error.path("data").path("message").asString())
                        .isEqualTo("Environment factory 'echo' failed to create instance.");
                WsProbe.Frame close = ws.next();
                assertThat(close.kind()).isEqualTo("close");
                assertThat(close.code()).isEqualTo(1000);
            }
        }
        assertThat(server.activeSessions()).isZero();
    }

    @Test
    void aStepPastItsTimeoutIsInterruptedAndReported() throws Exception {
        server = servers.start(FaultEnvironment::new, FAULT, local(c -> c.withStepTimeout(Duration.ofMillis(200))));
        try (var ws = WsProbe.open(server.baseUrl(), "/ws")) {
            long start = System.nanoTime();
            ws.sendText("{\"type\":\"step\",\"data\":{\"sleep_s\":30}}");
            JsonNode error = json(ws.next());
            assertThat(error.path("data").path("code").asString()).isEqualTo("EXECUTION_ERROR");
            assertThat(error.path("data").path("message").asString()).contains("timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            ws.sendText("{\"type\":\"step\",\"data\":{\"message\":\"still here\"}}");
            assertThat(json(ws.next()).path("data").path("observation").path("message").asString()).isEqualTo("still here");
        }
    }

    @Test
    void refusedMessagesKeepTheSessionOpen() throws Exception {
        server = counting(c -> c);
        try (var ws = WsProbe.open(server.baseUrl(), "/ws")) {
            ws.sendText("[]");
            assertThat(json(ws.next()).path("data").path("code").asString()).isEqualTo("VALIDATION_ERROR");
            ws.sendBinary("{\"type\":\"state\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(json(ws.next()).path("data").path("code").asString()).isEqualTo("INVALID_JSON");
            ws.sendText("{\"type\":\"state\",\"data\":{}}");   // as the reference: data is extra here
            assertThat(json(ws.next()).path("data").path("errors").path(0).path("type").asString()).isEqualTo("extra_forbidden");
            ws.sendText("{\"type\":\"close\",\"data\":{}}");   // refused, so the session stays
            assertThat(json(ws.next()).path("data").path("code").asString()).isEqualTo("VALIDATION_ERROR");
            ws.sendText("{\"type\":\"reset\",\"data\":{\"seed\":\"abc\"}}");
            JsonNode bad = json(ws.next());
            assertThat(bad.path("data").path("errors").path(0).path("loc").path(0).asString()).isEqualTo("seed");
            ws.sendText("{\"type\":\"step\",\"data\":{\"message\":\"ok\"}}");
            assertThat(json(ws.next()).path("data").path("observation").path("echoed_message").asString()).isEqualTo("ok");
        }
    }

    @Test
    void aPeerThatStopsAnsweringPingsIsDropped() throws Exception {
        server = counting(c -> c.withPingInterval(Duration.ofMillis(200)));
        connectAndFallSilent("/ws");
    }

    @Test
    void aSilentMcpPeerIsDroppedAfterTheSameLivenessWindow() throws Exception {
        server = counting(c -> c.withPingInterval(Duration.ofMillis(200)));
        connectAndFallSilent("/mcp");
    }

    /** A WebSocket handshake by hand on {@code path}, then silence: this peer never answers a ping. */
    void connectAndFallSilent(String path) throws Exception {
        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            OutputStream out = raw.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = raw.getInputStream();
            byte[] head = new byte[12];
            assertThat(in.readNBytes(head, 0, 12)).isEqualTo(12);
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 101");
            Await.until("the environment built", () -> created.get() == 1);
            long opened = System.nanoTime();
            Await.until("the environment closed and its slot free", () -> closed.get() == 1 && server.activeSessions() == 0);
            assertThat(Duration.ofNanos(System.nanoTime() - opened)).as("dropped by liveness, not by the idle timeout")
                    .isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void anAnsweringPeerStaysConnectedThroughPings() throws Exception {
        server = counting(c -> c.withPingInterval(Duration.ofMillis(100)));
        try (var ws = WsProbe.open(server.baseUrl(), "/ws")) {
            // Five answered pings span more than two ping periods: the silence that would drop a mute peer.
            Await.until("five pings answered", () -> ws.pings() >= 5);
            ws.sendText("{\"type\":\"state\"}");
            assertThat(json(ws.next()).path("type").asString()).isEqualTo("state");
            assertThat(closed.get()).isZero();
        }
    }

    /** The fault environment (which sleeps on request), counting its closes. */
    EnvServer slowCounting(UnaryOperator<ServerConfig> config) {
        return servers.start(() -> new CountingEnvironment<>(new FaultEnvironment(), created, closed, () -> {}), FAULT, local(config));
    }

    @Test
    void aServerEndingASessionMidStepTellsTheClientAtOnceAndClosesTheEnvironmentOnlyOnceTheStepReturns() throws Exception {
        var stepping = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Runnable holdStep = () -> {
            stepping.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        server = servers.start(() -> new CountingEnvironment<>(new EchoEnvironment(), created, closed, holdStep), ECHO, local(c -> c));
        try (var ws = WsProbe.open(server.baseUrl(), "/ws")) {
            ws.sendText("{\"type\":\"step\",\"data\":{\"message\":\"held\"}}");
            assertThat(stepping.await(10, TimeUnit.SECONDS)).as("the step started").isTrue();
            Thread shutdown = Thread.ofVirtual().start(server::close);   // the server ends the session from another thread
            JsonNode told = json(ws.next());                               // ... while the step is still held
            assertThat(told.path("data").path("code").asString()).isEqualTo("SESSION_ERROR");
            assertThat(told.path("data").path("message").asString()).isEqualTo("Server shutting down");
            assertThat(closed.get()).as("the environment is never closed under a running step").isZero();
            assertThat(shutdown.isAlive()).as("shutdown waits for the running step").isTrue();
            release.countDown();
            assertThat(shutdown.join(Duration.ofSeconds(10))).as("shutdown finished once the step returned").isTrue();
            assertThat(closed.get()).as("closed once, after the step").isEqualTo(1);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aStepLongerThanTwoPingPeriodsDoesNotCostTheSession() throws Exception {
        server = slowCounting(c -> c.withPingInterval(Duration.ofMillis(100)));
        try (var ws = WsProbe.open(server.baseUrl(), "/ws")) {
            ws.sendText("{\"type\":\"step\",\"data\":{\"sleep_s\":0.8,\"message\":\"long\"}}");
            assertThat(json(ws.next()).path("data").path("observation").path("message").asString()).isEqualTo("long");
            ws.sendText("{\"type\":\"state\"}");
            assertThat(json(ws.next()).path("type").asString()).isEqualTo("state");
            assertThat(closed.get()).isZero();
        }
    }
}
