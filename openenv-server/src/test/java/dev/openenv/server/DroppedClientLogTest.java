package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.envs.fault.FaultEnvironment;
import dev.openenv.server.testing.Await;
import dev.openenv.server.testing.LocalServers;
import dev.openenv.server.testing.WireTypes;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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

/** A client that vanishes mid-request costs the log at most a line, never a stack trace. */
@Timeout(60)
class DroppedClientLogTest {
    final Logger root = Logger.getLogger(""); // Helidon's and ours
    final List<LogRecord> records = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.INFO.intValue()) {
                records.add(r);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @RegisterExtension
    final LocalServers servers = new LocalServers();

    @BeforeEach
    void captureTheLog() {
        root.addHandler(capture);
    }

    @AfterEach
    void release() {
        root.removeHandler(capture);
    }

    @Test
    void theStartupLineStatesTheAddressActuallyBound() {
        records.clear();
        try (EnvServer server = EnvServer.builder(dev.openenv.envs.echo.EchoEnvironment::new)
                .config(c -> c.withHost("0.0.0.0").withPort(0)).start()) {
            List<String> lines = records.stream().map(LogRecord::getMessage).filter(m -> m != null && m.contains("listening on")).toList();
            assertThat(lines).singleElement().asString()
                    .contains("0.0.0.0:" + server.port() + " (all interfaces)").doesNotContain("127.0.0.1");
        }
    }

    @Test
    void clientsDroppingMidStepLogNoStackTraces() throws Exception {
        EnvServer server = servers.start(FaultEnvironment::new, WireTypes.FAULT, c -> c.withMaxConcurrentEnvs(8));
        records.clear();
        String step = "{\"type\":\"step\",\"data\":{\"sleep_s\":0.3,\"message\":\"" + "m".repeat(200_000) + "\"}}";
        for (int i = 0; i < 5; i++) {
            var ws = RawWs.open(server.port(), "/ws");
            ws.sendText(step);
            ws.reset();   // gone before the answer
        }
        for (int i = 0; i < 5; i++) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                byte[] body = step.substring(step.indexOf("\"data\":") + 7, step.length() - 1).getBytes(StandardCharsets.UTF_8);
                OutputStream out = s.getOutputStream();
                out.write(("POST /step HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                        + (body.length + 10) + "\r\n\r\n{\"action\":").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.write('}');
                out.flush();
                s.setSoLinger(true, 0);   // reset, before the answer
            }
        }
        for (int i = 0; i < 5; i++) {
            var ws = RawWs.open(server.port(), "/ws");
            ws.sendText(step);
            ws.send(0x8, true, new byte[] {0x03, (byte) 0xE8});   // close frame while the step runs
            ws.close();
        }
        for (int i = 0; i < 5; i++) {
            var ws = RawWs.open(server.port(), "/ws");
            ws.sendHeader(RawWs.TEXT, true, 1000);   // half a frame, then gone
            ws.stream(new byte[100], 0, 100);
            ws.flush();
            ws.close();
        }
        for (int i = 0; i < 5; i++) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {   // half a body, then gone
                s.getOutputStream().write(("POST /step HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000\r\n\r\n{\"action\":{").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            }
        }
        for (int i = 0; i < 300; i++) {   // a request, then a reset while (or before) it is answered
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.getOutputStream().write(("POST /reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                s.setSoLinger(true, 0);
            }
        }
        Await.until("every session ended", () -> server.activeSessions() == 0);
        Thread.sleep(800);   // the held steps finish and try to answer the vanished clients
        List<String> traces = records.stream().filter(r -> r.getThrown() != null)
                .map(r -> r.getLoggerName() + ": " + r.getMessage() + " / " + r.getThrown()).toList();
        assertThat(traces).as("stack traces logged for clients that went away").isEmpty();
    }
}
