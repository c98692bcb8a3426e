package dev.openenv.envs.coding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import dev.openenv.envs.coding.CodingEnvironment.CodeAction;
import dev.openenv.envs.coding.CodingEnvironment.CodeObservation;
import dev.openenv.envs.coding.CodingEnvironment.Language;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The coding environment's rules in the real bubblewrap sandbox, beside {@link CodingEnvironmentTest}
 * (which covers limits and hostile code): streams, exit codes and rewards, the wall clock, isolation
 * between one-shot runs, and what reset clears.
 */
@Timeout(120)
class CodingRulesTest {
    final CodingEnvironment env = new CodingEnvironment();

    @AfterEach
    void close() {
        env.close();
    }

    StepResult<CodeObservation> run(String code) {
        return env.step(new CodeAction(code, Language.PYTHON));
    }

    @Test
    void stdoutAndStderrAreKeptApart() {
        env.reset();
        var r = run("import sys\nprint('to out')\nprint('to err', file=sys.stderr)");
        assertThat(r.observation()).isEqualTo(new CodeObservation("to out\n", "to err\n", 0, false));
        assertThat(r.reward()).isEqualTo(1.0);
        assertThat(r.done()).isFalse();
    }

    @Test
    void theExitCodeIsReportedAndANonZeroExitEarnsNothing() {
        env.reset();
        var r = run("import sys\nprint('partial')\nsys.exit(3)");
        assertThat(r.observation().exitCode()).isEqualTo(3);
        assertThat(r.observation().stdout()).isEqualTo("partial\n");
        assertThat(r.observation().timedOut()).isFalse();
        assertThat(r.reward()).isEqualTo(0.0);
        assertThat(env.state().lastExitCode()).isEqualTo(3);
    }

    @Test
    void aSyntaxErrorIsAnOrdinaryFailure() {
        env.reset();
        var r = run("def broken(:");
        assertThat(r.observation().exitCode()).isEqualTo(1);
        assertThat(r.observation().stderr()).contains("SyntaxError");
        assertThat(r.reward()).isEqualTo(0.0);
    }

    @Test
    void aProcessKilledByASignalReportsOneHundredTwentyEightPlusTheSignal() {
        env.reset();
        var r = run("import os, signal\nos.kill(os.getpid(), signal.SIGTERM)");
        assertThat(r.observation().exitCode()).isEqualTo(128 + 15);
        assertThat(r.observation().timedOut()).isFalse();
    }

    @Test
    void sleepingPastTheWallClockIsStoppedAndCostsOne() {
        env.reset();
        long start = System.nanoTime();
        var r = run("import time\nprint('started', flush=True)\ntime.sleep(60)");
        long seconds = (System.nanoTime() - start) / 1_000_000_000;
        assertThat(seconds).isBetween(9L, 30L); // the 10 s wall clock, not the 60 s sleep
        assertThat(r.observation().timedOut()).isTrue();
        assertThat(r.observation().exitCode()).isEqualTo(124);
        assertThat(r.observation().stdout()).isEqualTo("started\n");
        assertThat(r.observation().stderr()).contains("Timed out after 10 s");
        assertThat(r.reward()).isEqualTo(-1.0);
    }

    @Test
    void namesDoNotResolveAndLoopbackHasNoListeners() {
        env.reset();
        var dns = run("import socket\nsocket.getaddrinfo('example.com', 80)");
        assertThat(dns.observation().exitCode()).isEqualTo(1);
        assertThat(dns.observation().stderr()).contains("gaierror");
        var lo = run("import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=3)");
        assertThat(lo.observation().exitCode()).isEqualTo(1);
        assertThat(lo.observation().stderr()).containsAnyOf("Network is unreachable", "Connection refused");
    }

    @Test
    void oneShotRunsShareNoFilesAndRunUnprivilegedWithoutStdin() {
        env.reset();
        assertThat(run("open('/tmp/note', 'w').write('x')").observation().exitCode()).isZero();
        assertThat(run("import os\nprint(os.path.exists('/tmp/note'), os.getuid())").observation().stdout())
                .matches("False (65534|\\d{10})\n"); // nobody, or as root a uid of the sandbox's own
        assertThat(run("input()").observation().stderr()).contains("EOFError");
    }

    @Test
    void outputBeyondSixtyFourKibibytesIsTruncated() {
        env.reset();
        var r = run("print('x' * 100000)");
        assertThat(r.observation().stdout()).hasSize(65536 + "\n[output truncated]".length());
        assertThat(r.observation().stdout()).startsWith("xxxx").endsWith("\n[output truncated]");
        assertThat(r.observation().exitCode()).isZero();
    }

    @Test
    void resetClearsTheStepCountAndTheLastExitCodeAndSetsPersistence() {
        env.reset(ResetRequest.none().withEpisodeId("one"));
        run("raise SystemExit(2)");
        assertThat(env.state().lastExitCode()).isEqualTo(2);
        assertThat(env.state().stepCount()).isEqualTo(1);
        env.reset(ResetRequest.none().withOptions(Map.of("persistent", true)));
        assertThat(env.state().lastExitCode()).isZero();
        assertThat(env.state().stepCount()).isZero();
        assertThat(env.state().persistent()).isTrue();
        assertThat(env.state().episodeId()).isNotEqualTo("one");
        env.reset();
        assertThat(env.state().persistent()).isFalse();
        assertThat(run("x = 1").observation().exitCode()).isZero();
        assertThat(run("print(x)").observation().stderr()).contains("NameError"); // one-shot: nothing carries over
    }

    @Test
    void aRefusedResetKeepsThePersistentInterpreter() {
        env.reset(ResetRequest.none().withOptions(Map.of("persistent", true)));
        run("x = 41");
        var before = env.state();
        assertThatThrownBy(() -> env.reset(ResetRequest.none().withOptions(Map.of("persistent", "yes"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(env.state()).isEqualTo(before);
        assertThat(run("print(x + 1)").observation().stdout()).isEqualTo("42\n");
    }
}
