package dev.openenv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The command line's answers and exit codes (serving itself is covered by the README and interop tests). */
@Timeout(30)
class MainTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream savedOut;
    PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listNamesEveryBundledEnvironment() {
        assertThat(Main.run("list")).isZero();
        assertThat(out()).contains("echo ").contains("echo-mcp").contains("connect4").contains("bench").contains("coding");
    }

    @Test
    void helpAndVersion() {
        assertThat(Main.run("--version")).isZero();
        assertThat(out()).contains("openenv 0.1.0");
        assertThat(Main.run("--help")).isZero();
        assertThat(out()).contains("serve").contains("list").contains("init").contains("build").contains("push").contains("validate");
        assertThat(Main.run("serve", "--help")).isZero();
        assertThat(out()).contains("--max-concurrent-envs").contains("--no-web");
    }

    @Test
    void badUsageIsExitCodeTwoWithAMessage() {
        assertThat(Main.run()).isEqualTo(2);
        assertThat(Main.run("serve")).isEqualTo(2);
        assertThat(err()).contains("exactly one environment name");
        assertThat(Main.run("serve", "no-such-env")).isEqualTo(2);
        assertThat(err()).contains("unknown environment 'no-such-env'");
        assertThat(Main.run("serve", "echo", "--port", "eighty")).isEqualTo(2);
        assertThat(err()).contains("--port");
        assertThat(Main.run("serve", "echo", "--mode", "party")).isEqualTo(2);
        assertThat(Main.run("serve", "echo", "--web", "--no-web")).isEqualTo(2);
        assertThat(Main.run("frobnicate")).isEqualTo(2);
    }
}
