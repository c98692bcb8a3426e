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

    /** One command line's exit code and what it wrote, captured on its own. */
    record Ran(int exit, String out, String err) {}

    Ran run(String... args) {
        out.reset();
        err.reset();
        int exit = Main.run(args);
        return new Ran(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void listNamesEveryBundledEnvironment() {
        var list = run("list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("echo ").contains("echo-mcp").contains("connect4").contains("bench").contains("coding");
        assertThat(list.err()).isEmpty();
    }

    @Test
    void versionPrintsOnlyTheVersion() {
        var version = run("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).isEqualToIgnoringNewLines("openenv 0.1.0");
        assertThat(version.err()).isEmpty();
    }

    @Test
    void helpNamesTheCommandsAndServeHelpItsOptions() {
        var help = run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: openenv").contains("serve").contains("list").contains("init").contains("build").contains("push").contains("validate");
        assertThat(help.err()).isEmpty();
        var serveHelp = run("serve", "--help");
        assertThat(serveHelp.exit()).isZero();
        assertThat(serveHelp.out()).contains("--max-concurrent-envs").contains("--no-web").contains("--log-level")
                .contains("--allowed-origin").contains("--tls-cert").doesNotContain("openenv 0.1.0");
        assertThat(serveHelp.err()).isEmpty();
        var listHelp = run("list", "--help");
        assertThat(listHelp.exit()).isZero();
        assertThat(listHelp.out()).contains("--help").doesNotContain("--max-concurrent-envs");
    }

    @Test
    void badUsageIsExitCodeTwoWithAMessage() {
        var nothing = run();
        assertThat(nothing.exit()).isEqualTo(2);
        assertThat(nothing.out()).contains("Usage: openenv");
        assertThat(run("serve")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("exactly one environment name");
        });
        assertThat(run("serve", "no-such-env")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("unknown environment 'no-such-env'").contains("echo");
        });
        assertThat(run("serve", "echo", "--port", "eighty")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("--port").contains("Try 'openenv --help'.");
        });
        assertThat(run("serve", "echo", "--mode", "party")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("party");
        });
        assertThat(run("serve", "echo", "--web", "--no-web")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("--web and --no-web contradict each other");
        });
        assertThat(run("serve", "echo", "--log-level", "chatty")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("unknown log level 'chatty'").contains("debug");
        });
        assertThat(run("serve", "echo", "--tls-cert", "cert.pem")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("--tls-cert and --tls-key go together");
        });
        assertThat(run("serve", "echo", "--port", "0", "--allowed-origin", "example.org")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("not an origin: 'example.org'");
        });
        assertThat(run("serve", "echo", "--port", "0", "--tls-cert", "/no/cert.pem", "--tls-key", "/no/key.pem")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("TLS: cannot read /no/cert.pem");
        });
        assertThat(run("frobnicate")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("frobnicate").contains("Try 'openenv --help'.");
        });
    }

    @Test
    void aPortAlreadyInUseIsOneLineAndANonZeroExit() throws Exception {
        try (var taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            var r = run("serve", "echo", "--host", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()));
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err().strip()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()).doesNotContain("\n\tat ");
            assertThat(r.out()).doesNotContain(":-1");
        }
    }

    @Test
    void checkingThatAPortIsFreeNeverListensOnIt() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        var reached = new java.util.concurrent.atomic.AtomicInteger();
        // A client polling for readiness, as trainers and probes do, while the check runs over and over.
        Runnable poll = () -> {
            while (!stop.get()) {
                try (var c = new java.net.Socket()) {
                    c.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 100);
                    reached.incrementAndGet();
                } catch (java.io.IOException refused) {
                    // nothing listens: what a free port must look like
                }
            }
        };
        var pollers = java.util.List.of(Thread.ofPlatform().start(poll), Thread.ofPlatform().start(poll));
        try {
            long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < end) {
                assertThat(ServeCommand.portTaken("127.0.0.1", port)).isNull();
            }
        } finally {
            stop.set(true);
            for (Thread t : pollers) {
                t.join();
            }
        }
        assertThat(reached.get()).as("connections accepted by the check").isZero();
    }

    @Test
    void aPortSomeoneListensOnIsReportedTakenWithTheReason() throws Exception {
        try (var taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(ServeCommand.portTaken("127.0.0.1", taken.getLocalPort())).isNotBlank();
        }
    }

    @Test
    void aPortLeftWithClosedConnectionsByAServerThatStoppedIsFree() throws Exception {
        int port;
        try (var server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             var client = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.getLocalPort());
             var accepted = server.accept()) {
            port = server.getLocalPort();
            accepted.close();   // the server's side closes first: its end of the connection stays in TIME_WAIT
        }
        assertThat(ServeCommand.portTaken("127.0.0.1", port)).isNull();
    }
}
