package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.BasicState;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.OpenEnvException;
import dev.openenv.core.json.WireCodec;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.envs.fault.FaultAction;
import dev.openenv.envs.fault.FaultEnvironment;
import dev.openenv.envs.fault.FaultObservation;
import dev.openenv.server.testing.Await;
import dev.openenv.server.testing.LocalServers;
import dev.openenv.server.testing.WireTypes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every environment failure the server answers leaves exactly one line in its log, naming the session. */
@Timeout(60)
class FailureLogTest {
    static final EnvironmentType<FaultAction, FaultObservation, BasicState> FAULT = WireTypes.FAULT;

    @RegisterExtension
    final LocalServers servers = new LocalServers();
    final Logger serverLog = Logger.getLogger("dev.openenv.server"); // held: JUL keeps loggers weakly
    final List<LogRecord> lines = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            lines.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void captureTheServerLog() {
        serverLog.addHandler(capture);
    }

    @AfterEach
    void release() {
        serverLog.removeHandler(capture);
    }

    LogRecord firstWarning() {
        return lines.stream().filter(r -> r.getLevel() == Level.WARNING).findFirst().orElseThrow();
    }

    List<String> warnings() {
        return lines.stream().filter(r -> r.getLevel() == Level.WARNING).map(LogRecord::getMessage).toList();
    }

    @Test
    void anEnvironmentRaisingOverHttpIsLoggedOnceWithTheSessionIdAndStackTrace() throws Exception {
        servers.start(FaultEnvironment::new, FAULT);
        String id = servers.post("/reset", "{}", "X-OpenEnv-Session", "new").headers().firstValue("x-openenv-session").orElseThrow();
        var failed = servers.post("/step", "{\"action\":{\"raise_error\":true}}", "X-OpenEnv-Session", id);
        assertThat(failed.statusCode()).isEqualTo(500);
        Await.until("a warning logged", () -> !warnings().isEmpty());
        assertThat(warnings()).singleElement().asString()
                .isEqualTo("session " + id + ": EXECUTION_ERROR (Execution): fault requested by the action (raise_error=true)");
        assertThat(firstWarning().getThrown()).as("the stack trace").isNotNull();
    }

    @Test
    void overWebSocketAFailureAndATimeoutAreOneLineEachAndRefusalsNone() throws Exception {
        var server = servers.start(FaultEnvironment::new, FAULT, c -> c.withStepTimeout(Duration.ofMillis(200)));
        try (var ws = WsProbe.open(server.baseUrl(), "/ws")) {
            ws.sendText("{\"type\":\"step\",\"data\":{\"raise_error\":true}}");
            assertThat(WireCodec.standard().parse(ws.next().text()).path("data").path("code").asString()).isEqualTo("EXECUTION_ERROR");
            ws.sendText("{\"type\":\"step\",\"data\":{\"sleep_s\":30}}");
            assertThat(WireCodec.standard().parse(ws.next().text()).path("data").path("message").asString()).contains("timeout");
            ws.sendText("{\"type\":\"step\",\"data\":{\"sleep_s\":\"soon\"}}");   // the client's mistake: answered, not logged
            assertThat(WireCodec.standard().parse(ws.next().text()).path("data").path("code").asString()).isEqualTo("VALIDATION_ERROR");
        }
        Await.until("two warnings logged", () -> warnings().size() >= 2);
        assertThat(warnings()).hasSize(2);
        assertThat(warnings().get(0)).matches("session [0-9a-f-]{36}: EXECUTION_ERROR \\(Execution\\): fault requested by the action \\(raise_error=true\\)");
        assertThat(warnings().get(1)).matches("session [0-9a-f-]{36}: EXECUTION_ERROR \\(Timeout\\): Step exceeded its timeout of 0.2 s.*");
        assertThat(warnings().get(0).substring(0, 45)).as("the same session").isEqualTo(warnings().get(1).substring(0, 45));
    }

    @Test
    void aFailingFactoryIsLoggedOnceWithItsCause() throws Exception {
        java.util.function.Supplier<EchoEnvironment> failing = () -> {
            throw new OpenEnvException("no GPU today");
        };
        var server = servers.start(failing, SessionLifecycleTest.ECHO);
        try (var ws = WsProbe.open(server.baseUrl(), "/ws")) {
            assertThat(WireCodec.standard().parse(ws.next().text()).path("data").path("code").asString()).isEqualTo("FACTORY_ERROR");
        }
        Await.until("a warning logged", () -> !warnings().isEmpty());
        assertThat(warnings()).singleElement().asString()
                .matches("session [0-9a-f-]{36}: FACTORY_ERROR \\(FactoryFailed\\): Environment factory 'echo' failed to create instance\\.");
        assertThat(firstWarning().getThrown()).hasMessage("no GPU today");
    }
}
