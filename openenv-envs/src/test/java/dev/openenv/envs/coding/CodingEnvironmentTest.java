package dev.openenv.envs.coding;

import dev.openenv.core.ResetRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.envs.coding.CodingEnvironment.CodeAction;
import dev.openenv.envs.coding.CodingEnvironment.CodeObservation;
import dev.openenv.envs.coding.CodingEnvironment.Language;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real code in the real sandbox: ordinary programs work, hostile ones end in a clear observation. */
@Timeout(120)
class CodingEnvironmentTest {
    final CodingEnvironment env = new CodingEnvironment();

    @AfterEach
    void close() {
        env.close();
    }

    CodeObservation python(String code) {
        return env.step(new CodeAction(code, Language.PYTHON)).observation();
    }

    @Test
    void runsPythonAndReportsOutputAndExitCode() {
        env.reset();
        var ok = env.step(new CodeAction("print(sum(range(10)))", Language.PYTHON));
        assertThat(ok.observation()).isEqualTo(new CodeObservation("45\n", "", 0, false));
        assertThat(ok.reward()).isEqualTo(1.0);
        var failed = env.step(new CodeAction("raise ValueError('boom')", Language.PYTHON));
        assertThat(failed.observation().exitCode()).isEqualTo(1);
        assertThat(failed.observation().stderr()).contains("ValueError: boom");
        assertThat(failed.reward()).isEqualTo(0.0);
    }

    @Test
    void persistentEpisodesKeepVariablesAndCaptureSubprocessOutput() {
        env.reset(ResetRequest.none().withOptions(Map.of("persistent", true)));
        assertThat(python("x = 41").exitCode()).isZero();
        assertThat(python("x += 1\nprint(x)").stdout()).isEqualTo("42\n");
        assertThat(python("import os\nos.write(1, b'raw\\n')\nos.system('echo from-child')").stdout()).isEqualTo("raw\nfrom-child\n");
        assertThat(python("print(x)").stdout()).isEqualTo("42\n");
        env.reset(ResetRequest.none().withOptions(Map.of("persistent", true)));
        assertThat(python("print(x)").stderr()).contains("NameError");
    }

    @Test
    void anInfiniteLoopIsStopped() {
        env.reset();
        var r = env.step(new CodeAction("while True: pass", Language.PYTHON));
        assertThat(r.observation().timedOut()).isTrue();
        assertThat(r.observation().stderr()).containsAnyOf("CPU time limit", "Timed out");
        assertThat(r.reward()).isEqualTo(-1.0);
    }

    @Test
    void aHangInAPersistentInterpreterIsStoppedAndReported() {
        env.reset(ResetRequest.none().withOptions(Map.of("persistent", true)));
        python("x = 1");
        var hung = python("import time\ntime.sleep(60)");
        assertThat(hung.timedOut()).isTrue();
        assertThat(hung.stderr()).contains("variables are lost");
        assertThat(python("print('fresh')").stdout()).isEqualTo("fresh\n");
    }

    @Test
    void aForkBombHitsTheProcessLimit() {
        env.reset();
        var r = python("""
                import os, time
                n = 0
                try:
                    while True:
                        if os.fork() == 0:
                            time.sleep(30)
                            os._exit(0)
                        n += 1
                except OSError as e:
                    print('fork refused after', n, 'children:', e.strerror)
                """);
        assertThat(r.stdout()).contains("fork refused after").contains("Resource temporarily unavailable");
        // The sleeping children died with the sandbox's PID namespace: the next run starts clean.
        assertThat(python("print('ok')").stdout()).isEqualTo("ok\n");
    }

    @Test
    void aMemoryHogGetsMemoryError() {
        env.reset();
        var r = python("x = bytearray(2 * 1024**3)");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("MemoryError");
    }

    @Test
    void theHostsFilesAreNotThere() {
        env.reset();
        var r = python("import os\nprint(os.path.exists('/root'), os.path.exists('/work/main'), os.path.exists('/etc/passwd'))\n"
                + "open('/usr/evil', 'w')");
        assertThat(r.stdout()).isEqualTo("False False False\n");
        assertThat(r.stderr()).containsAnyOf("Read-only file system", "Permission denied");
    }

    @Test
    void thereIsNoNetwork() {
        env.reset();
        var r = python("import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=3)");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("Network is unreachable");
    }

    @Test
    void javaSnippetsRunInASandboxedJShell() {
        env.reset();
        var r = env.step(new CodeAction("int x = 6 * 7;\nSystem.out.println(\"x=\" + x);", Language.JAVA));
        assertThat(r.observation().stdout()).contains("x=42");
        assertThat(r.observation().stderr()).isEmpty();
        assertThat(r.observation().exitCode()).isZero();
        var bad = env.step(new CodeAction("undefinedThing();", Language.JAVA)).observation();
        assertThat(bad.exitCode()).isEqualTo(1);
        var noFiles = env.step(new CodeAction("System.out.println(new java.io.File(\"/work/main\").exists());", Language.JAVA)).observation();
        assertThat(noFiles.stdout()).contains("false");
    }
    /** Every process this JVM started that is still running (the sandboxes and whatever runs in them). */
    static long liveChildren() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
    }

    static boolean within(Duration max, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** Threads that ran steps; they live on like a server's session threads (see {@link #interruptMidStep}). */
    private final java.util.concurrent.CountDownLatch testOver = new java.util.concurrent.CountDownLatch(1);

    @AfterEach
    void releaseStepThreads() {
        testOver.countDown();
    }

    /**
     * What the server does when a step outlives its {@code timeout_s}: interrupt the step's thread. The
     * thread then lives on, as a server's does: bwrap's {@code --die-with-parent} fires when the thread
     * that started it ends, which would hide a leak.
     */
    void interruptMidStep(String code) throws InterruptedException {
        var result = new AtomicReference<CodeObservation>();
        var returned = new java.util.concurrent.CountDownLatch(1);
        Thread step = Thread.ofPlatform().daemon().start(() -> {
            result.set(python(code));
            returned.countDown();
            try {
                testOver.await();
            } catch (InterruptedException ignored) {
                // the test is over either way
            }
        });
        assertThat(within(Duration.ofSeconds(20), () -> liveChildren() >= 3)).as("the sandbox started").isTrue();
        Thread.sleep(300); // let the code itself start, not just bwrap
        step.interrupt();
        assertThat(returned.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("the interrupted step returns").isTrue();
        assertThat(result.get().timedOut()).isTrue();
    }

    @Test
    void aStepInterruptedByTheServersTimeoutLeavesNoProcessBehind() throws Exception {
        assertThat(liveChildren()).isZero();
        env.reset();
        interruptMidStep("import os, time\nos.fork()\ntime.sleep(120)");
        assertThat(within(Duration.ofSeconds(5), () -> liveChildren() == 0)).as("leaked: %d processes", liveChildren()).isTrue();
    }

    @Test
    void anInterruptedPersistentStepStopsItsInterpreterAndTheNextStepStartsClean() throws Exception {
        env.reset(ResetRequest.none().withOptions(Map.of("persistent", true)));
        python("x = 1");
        interruptMidStep("import time\ntime.sleep(120)");
        assertThat(within(Duration.ofSeconds(5), () -> liveChildren() == 0)).as("leaked: %d processes", liveChildren()).isTrue();
        assertThat(python("print('fresh')").stdout()).isEqualTo("fresh\n");
    }

    @Test
    void codeCannotForgeThePersistentInterpretersResult() {
        env.reset(ResetRequest.none().withOptions(Map.of("persistent", true)));
        // Writes a successful result to every descriptor it can reach (the old protocol channel among them),
        // to the parent's descriptors through /proc, then fails.
        var forged = env.step(new CodeAction("""
                import os
                line = b'{"stdout": "forged", "stderr": "", "exit_code": 0}\\n'
                paths = ['/proc/self/fd/%d' % fd for fd in range(64)] + ['/proc/%d/fd/%d' % (os.getppid(), fd) for fd in range(64)]
                for fd in range(64):
                    try:
                        os.write(fd, line)
                    except OSError:
                        pass
                for path in paths:
                    try:
                        with open(path, 'wb') as f:
                            f.write(line)
                    except OSError:
                        pass
                raise SystemExit(3)
                """, Language.PYTHON));
        assertThat(forged.observation().exitCode()).isEqualTo(3);
        assertThat(forged.reward()).isEqualTo(0.0);
        // The channel is still in step: the next result is the next snippet's.
        assertThat(python("print('next')")).isEqualTo(new CodeObservation("next\n", "", 0, false));
    }

    @Test
    void aPersistentSnippetFloodingItsOutputIsTruncatedNotBuffered() {
        env.reset(ResetRequest.none().withOptions(Map.of("persistent", true)));
        var r = python("import os\nfor fd in range(1, 64):\n    try:\n        os.write(fd, b'x' * (8 << 20))\n    except OSError:\n        pass\nprint('done')");
        assertThat(r.stdout().length()).isLessThan(70_000);
        assertThat(r.stdout()).contains("[output truncated]");
    }
}
