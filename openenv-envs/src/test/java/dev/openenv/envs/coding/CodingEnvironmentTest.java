package dev.openenv.envs.coding;

import dev.openenv.core.ResetRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.envs.coding.CodingEnvironment.CodeAction;
import dev.openenv.envs.coding.CodingEnvironment.CodeObservation;
import dev.openenv.envs.coding.CodingEnvironment.Language;
import java.util.Map;
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
}
