package dev.openenv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.envs.BundledEnvironments;
import dev.openenv.server.EnvServer;
import dev.openenv.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bench's command line (JCommander, as openenv-cli's): each call's output captured on its own. */
@Timeout(30)
class MainTest {
    record Run(int code, String out, String err) {}

    static synchronized Run run(String... args) throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void churnExitsZeroOnceTheServerHasFreedEverySlot() throws Exception {
        BundledEnvironments.Entry entry = BundledEnvironments.find("bench").orElseThrow();
        @SuppressWarnings({"unchecked", "rawtypes"})
        EnvServer server = EnvServer.builder(entry.factory()).types(entry.type())
                .config(ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withMaxConcurrentEnvs(256)).start();
        try {
            Run churn = run("churn", server.baseUrl(), "--cycles", "500", "--concurrency", "8");
            assertThat(churn.code()).as(churn.out() + churn.err()).isZero();
            // a refusal is possible on a starved machine (killed connections hold their slots until the server reads their end)
            assertThat(churn.out()).contains("cycles=500", "failures={}", "slots freed").containsPattern("served=[1-9]")
                    .doesNotContain("warning");
            assertThat(server.activeSessions()).isZero();
        } finally {
            server.close();
        }
    }

    @Test
    void churnWarnsWhenItsMidStepKillsWouldNotReachStep() throws Exception {
        BundledEnvironments.Entry entry = BundledEnvironments.find("echo").orElseThrow();
        @SuppressWarnings({"unchecked", "rawtypes"})
        EnvServer server = EnvServer.builder(entry.factory()).types(entry.type())
                .config(ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withMaxConcurrentEnvs(16)).start();
        try {
            Run invalid = run("churn", server.baseUrl(), "--cycles", "20", "--concurrency", "2", "--step-data", "{\"nope\":1}");
            assertThat(invalid.code()).isZero();
            assertThat(invalid.out()).contains("warning: the step action {\"nope\":1} was not accepted", "--step-data");
            Run valid = run("churn", server.baseUrl(), "--cycles", "20", "--concurrency", "2", "--step-data", "{\"message\":\"m\"}");
            assertThat(valid.out()).doesNotContain("warning");
            assertThat(server.activeSessions()).isZero();
        } finally {
            server.close();
        }
    }

    @Test
    void churnTakesAUrlOrServeNotBoth() throws Exception {
        Run both = run("churn", "http://127.0.0.1:1", "--serve", "echo");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("a server URL or --serve ENV, not both");
        Run noJar = run("soak", "--serve", "echo", "--serve-jar", "/nonexistent/openenv.jar");
        assertThat(noJar.code()).isEqualTo(2);
        assertThat(noJar.err()).contains("no /nonexistent/openenv.jar");
        assertThat(run("churn", "--help").out()).contains("--serve", "--serve-jar", "--cycles", "--settle");
    }

    @Test
    void helpListsEveryCommand() throws Exception {
        Run help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("load", "latency", "mcp-latency", "churn", "soak", "compare", "report");
    }

    @Test
    void aCommandsHelpListsItsOptionsWithTheirDefaults() throws Exception {
        Run help = run("load", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--sessions", "--steps", "--wait", "--step-timeout", "--threads").contains("64");
        assertThat(run("compare", "--help").out()).contains("--no-jmh", "--quick", "--skip-reference");
    }

    @Test
    void theHelpKeepsThePicocliEraTextsAndDefaults() throws Exception {
        assertThat(run("load", "--help").out()).contains("Server base URL, e.g. http://127.0.0.1:8000",
                "Steps per session.", "wait_seconds of each step.", "Seconds before a step counts as timed out.",
                "Event-loop threads of the load generator.", "Default: 64", "Default: 100", "Default: 60");
        assertThat(run("latency", "--help").out()).contains("websocket_jdk or http", "Default: websocket",
                "Default: 10000", "Default: 2000", "Send the echo action {message} instead of the bench action {payload}.");
        assertThat(run("mcp-latency", "--help").out()).contains("--calls", "--warmup", "Default: 10000");
        assertThat(run("compare", "--help").out()).contains("--jmh", "Run the JMH micro-benchmarks too (default on).",
                "Repository root (jars, python/ and where results go).", "Measure our server only.");
        assertThat(run("report", "--help").out()).contains("--repo");
    }

    @Test
    void jmhAndNoJmhTogetherIsBadUsage() throws Exception {
        Run both = run("compare", "--jmh", "--no-jmh");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("contradict");
    }

    @Test
    void badUsageIsExitCodeTwoWithAMessage() throws Exception {
        Run unknown = run("load", "--bogus", "http://127.0.0.1:1");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("--bogus");
        Run noUrl = run("latency");
        assertThat(noUrl.code()).isEqualTo(2);
        assertThat(noUrl.err()).contains("base URL");
        Run noCommand = run();
        assertThat(noCommand.code()).isEqualTo(2);
    }
}
