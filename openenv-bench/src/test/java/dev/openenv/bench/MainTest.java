package dev.openenv.bench;

import static org.assertj.core.api.Assertions.assertThat;

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
    void helpListsEveryCommand() throws Exception {
        Run help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("load", "latency", "mcp-latency", "compare", "report");
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
