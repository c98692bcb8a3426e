package dev.openenv.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.openenv.sandbox.Sandbox.Limits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every hardening point of the policy, proven by running real programs under the real bwrap: each test
 * asks the sandbox to do what it must not, and checks the refusal (and, where a probe could simply be
 * broken, that the same probe succeeds when the point is relaxed).
 */
@Timeout(60)
class SandboxTest {
    private final List<String> markers = new ArrayList<>();

    @BeforeAll
    static void toolsAreInstalled() {
        assertThat(Sandbox.missingTools()).as("bwrap, prlimit (and setpriv as root) must be installed").isEmpty();
        assertThat(Path.of("/usr/bin/python3")).as("the probes run Debian's python3").isExecutable();
    }

    @AfterEach
    void killLeftovers() {
        markers.forEach(m -> processesWith(m).forEach(ProcessHandle::destroyForcibly));
    }

    record Result(int exitCode, String output) {}

    static Result run(List<String> command) throws IOException, InterruptedException {
        var builder = new ProcessBuilder(command).redirectErrorStream(true).directory(Path.of("/").toFile());
        Process p = builder.start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            System.out.println(command.getLast() + " exited " + p.exitValue() + ":\n" + out.strip());
            return new Result(p.exitValue(), out);
        } finally {
            p.destroyForcibly();
        }
    }

    static Result python(Sandbox sandbox, String code) throws IOException, InterruptedException {
        return run(sandbox.command(List.of("/usr/bin/python3", "-I", "-c", code)));
    }

    static List<ProcessHandle> processesWith(String marker) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker)).toList();
    }

    static void await(BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Test
    void withoutOptingInThereIsNoNetworkNotEvenTheHostsLoopback() throws Exception {
        try (var hostService = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String probe = """
                    import socket
                    try:
                        socket.create_connection(("127.0.0.1", %d), timeout=3)
                        print("CONNECTED")
                    except OSError as e:
                        print("BLOCKED", type(e).__name__)
                    print("INTERFACES", sorted(n for _, n in socket.if_nameindex()))
                    """.formatted(hostService.getLocalPort());
            assertThat(python(Sandbox.builder().build(), probe).output())
                    .contains("BLOCKED ConnectionRefusedError").contains("INTERFACES ['lo']");
            // The same probe reaches the service once the host network is opted in: the probe can tell.
            assertThat(python(Sandbox.builder().hostNetwork(true).build(), probe).output()).contains("CONNECTED");
        }
    }

    @Test
    void tmpIsPrivateEmptyAndCappedAtItsSize() throws Exception {
        Path hostFile = Files.createTempFile("openenv-sandbox-test-", ".txt");
        String inside = "openenv-sandbox-" + UUID.randomUUID();
        try {
            var sandbox = Sandbox.builder().limits(new Limits(Duration.ZERO, 0, 0, 0, 0, 8L << 20)).build();
            var result = python(sandbox, """
                    import errno, os
                    print("TMP", os.listdir("/tmp"), oct(os.stat("/tmp").st_mode & 0o7777))
                    open("/tmp/%s", "w").write("x")
                    written = 0
                    try:
                        with open("/tmp/fill", "wb") as f:
                            while True:
                                f.write(b"x" * (1 << 20))
                                f.flush()
                                written += 1
                    except OSError as e:
                        print("FULL MiB", written, errno.errorcode[e.errno])
                    """.formatted(inside));
            assertThat(result.output()).contains("TMP [] 0o1777").containsPattern("FULL MiB [78] ENOSPC");
            assertThat(Path.of(System.getProperty("java.io.tmpdir"), inside)).doesNotExist();
        } finally {
            Files.delete(hostFile);
        }
    }

    @Test
    void aTmpWithoutASizeIsRefused() {
        assertThatThrownBy(() -> new Limits(Duration.ZERO, 0, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive size");
    }

    @Test
    void theEnvironmentIsExactlyWhatWasGivenEvenWhenTheCallerDidNotClearIts() throws Exception {
        var sandbox = Sandbox.builder().env("GREETING", "hello").build();
        // A plain ProcessBuilder passes this JVM's whole environment to bwrap, plus a secret: --clearenv drops it.
        var builder = new ProcessBuilder(sandbox.command(List.of("/usr/bin/env"))).redirectErrorStream(true);
        builder.environment().put("OPENENV_TEST_SECRET", "leaked");
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // PWD is bwrap's, for --chdir /tmp.
        assertThat(out.lines().sorted()).containsExactly("GREETING=hello", "HOME=/tmp", "PATH=/usr/local/bin:/usr/bin:/bin", "PWD=/tmp");
    }

    @Test
    void theProgramRunsAsNobodyWithoutCapabilitiesOrAWayToGainThem() throws Exception {
        assertIdentity(run(Sandbox.builder().build().command(List.of("/usr/bin/cat", "/proc/self/status"))).output());
    }

    @Test
    void unprivilegedCallersGetTheSameIdentityThroughAUserNamespace() throws Exception {
        assumeThat(Sandbox.runningAsRoot()).as("needs root to become an unprivileged caller").isTrue();
        var cmd = new ArrayList<>(List.of(Sandbox.SETPRIV.toString(), "--reuid=" + Sandbox.NOBODY, "--regid=" + Sandbox.NOBODY,
                "--clear-groups", "--"));
        cmd.addAll(Sandbox.builder().build().command(List.of("/usr/bin/cat", "/proc/self/status"), false));
        assertIdentity(run(cmd).output());
    }

    private static void assertIdentity(String status) {
        // nobody (unprivileged) or, as root, a uid of the sandbox's own
        assertThat(status).containsPattern("(?m)^Uid:\\s+(65534|\\d{10})\\s+\\1\\s+\\1\\s+\\1$")
                .containsPattern("(?m)^Gid:\\s+65534\\s+65534\\s+65534\\s+65534$")
                .containsPattern("(?m)^Groups:\\s*$")
                .contains("CapPrm:\t0000000000000000", "CapEff:\t0000000000000000", "CapBnd:\t0000000000000000",
                        "CapAmb:\t0000000000000000")
                .contains("NoNewPrivs:\t1");
    }

    @Test
    void nothingButTmpAndWritableBindsCanBeWrittenAndHostFilesAreNotThere(@TempDir Path host) throws Exception {
        Path readOnly = Files.createDirectory(host.resolve("ro"));
        Path writable = Files.createDirectory(host.resolve("rw"));
        Files.setPosixFilePermissions(writable, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(host, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        var sandbox = Sandbox.builder().readOnly(readOnly).writable(List.of(writable)).build();
        var result = python(sandbox, """
                import os
                for path in ["/usr/evil", "/etc/evil", "/evil", "/bin/evil", "%s/evil", "%s/ok", "/tmp/ok"]:
                    try:
                        open(path, "w").write("x")
                        print("WROTE", path)
                    except OSError as e:
                        print("REFUSED", path, type(e).__name__)
                print("VISIBLE", [p for p in ["/root", "/home", "/var", "/work", "/etc/passwd", "/etc/localtime", "%s"] if os.path.exists(p)])
                print("HOST", sorted(os.listdir("%s")))
                """.formatted(readOnly, writable, host.resolve("secret"), host));
        assertThat(result.output().lines().filter(l -> l.startsWith("WROTE")))
                .containsExactly("WROTE " + writable + "/ok", "WROTE /tmp/ok");
        assertThat(result.output()).contains("REFUSED /usr/evil", "REFUSED /etc/evil", "REFUSED /evil", "REFUSED /bin/evil",
                "REFUSED " + readOnly + "/evil", "VISIBLE []", "HOST ['ro', 'rw']");
        assertThat(writable.resolve("ok")).exists();
        assertThat(readOnly.resolve("evil")).doesNotExist();
    }

    @Test
    void theProgramSeesOnlyItsOwnProcessesAndHostname() throws Exception {
        var result = python(Sandbox.builder().build(), """
                import os, socket
                print("PIDS", sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
                print("HOSTNAME", socket.gethostname())
                """);
        // pid 1 is bwrap's init; the program is the only other one.
        assertThat(result.output()).containsPattern("PIDS \\[1, \\d+\\]").contains("HOSTNAME " + Sandbox.HOSTNAME);
    }

    @Test
    void everyRlimitIsSetOnTheProgram() throws Exception {
        var limits = new Limits(Duration.ofSeconds(7), 300L << 20, 17, 5L << 20, 33, 8L << 20);
        String out = run(Sandbox.builder().limits(limits).build().command(List.of("/usr/bin/cat", "/proc/self/limits"))).output();
        assertThat(out).containsPattern("Max cpu time\\s+7\\s+7\\s+seconds")
                .containsPattern("Max address space\\s+" + (300L << 20) + "\\s+" + (300L << 20) + "\\s+bytes")
                .containsPattern("Max processes\\s+17\\s+17\\s+processes")
                .containsPattern("Max file size\\s+" + (5L << 20) + "\\s+" + (5L << 20) + "\\s+bytes")
                .containsPattern("Max open files\\s+33\\s+33\\s+files");
    }

    @Test
    void aCpuHogIsKilledAtItsCpuTimeAndAForkBombStopsAtTheProcessLimit() throws Exception {
        var limits = new Limits(Duration.ofSeconds(1), 0, 16, 0, 0, 8L << 20);
        long t0 = System.nanoTime();
        var hog = python(Sandbox.builder().limits(limits).build(), "while True: pass");
        assertThat(hog.exitCode()).isIn(128 + 9, 128 + 24); // SIGKILL or SIGXCPU, through bwrap's init
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        var bomb = python(Sandbox.builder().limits(limits).build(), """
                import os, time
                n = 0
                try:
                    while True:
                        if os.fork() == 0:
                            time.sleep(60)
                            os._exit(0)
                        n += 1
                except OSError as e:
                    print("FORKS", n, type(e).__name__)
                """);
        assertThat(bomb.output()).containsPattern("FORKS \\d+ BlockingIOError");
        // RLIMIT_NPROC counts every process of nobody on the host, so other sandboxes may lower the count.
        assertThat(Integer.parseInt(bomb.output().replaceAll("(?s).*FORKS (\\d+).*", "$1"))).isLessThan(limits.processes());
    }

    @Test
    void aForkBombInOneSandboxLeavesOtherSandboxesTheirWholeProcessLimit() throws Exception {
        assumeThat(Sandbox.runningAsRoot()).as("per-sandbox uids need root; unprivileged, each sandbox's user namespace counts its own").isTrue();
        var limits = new Limits(Duration.ofSeconds(30), 0, 16, 0, 0, 8L << 20);
        String marker = "fork-bomb-" + UUID.randomUUID();
        markers.add(marker);
        // The bomb holds every process its limit allows, for a minute.
        var bomb = new ProcessBuilder(Sandbox.builder().limits(limits).build().command(List.of("/usr/bin/python3", "-c", """
                import os, sys, time
                try:
                    while True:
                        if os.fork() == 0:
                            time.sleep(60)
                            os._exit(0)
                except OSError:
                    print("FULL", flush=True)
                    time.sleep(60)
                """, marker))).redirectErrorStream(true).start();
        try {
            var line = new java.io.BufferedReader(new java.io.InputStreamReader(bomb.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(line).isEqualTo("FULL");
            var other = python(Sandbox.builder().limits(limits).build(), """
                    import os
                    n = 0
                    for _ in range(8):
                        pid = os.fork()
                        if pid == 0:
                            os._exit(0)
                        os.waitpid(pid, 0)
                        n += 1
                    print("FORKED", n)
                    """);
            assertThat(other.output()).contains("FORKED 8");
        } finally {
            bomb.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            bomb.destroyForcibly();
        }
    }

    @Test
    void theSandboxDiesWithItsParentAndTakesEveryProcessInItAlong() throws Exception {
        String marker = "die-with-parent-" + UUID.randomUUID();
        markers.add(marker);
        var program = List.of("/usr/bin/python3", "-c", "import os, sys, time\nos.fork()\ntime.sleep(120)", marker);
        // The parent: a shell that starts the sandbox in the background and waits; SIGKILL gives it no
        // chance to pass anything on, so only bwrap's --die-with-parent can end the sandbox.
        var cmd = new ArrayList<>(List.of("/bin/sh", "-c", "\"$@\" & wait", "sh"));
        cmd.addAll(Sandbox.builder().build().command(program));
        Process parent = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            await(() -> processesWith(marker).stream().filter(p -> p.info().command().orElse("").contains("/python3")).count() == 2,
                    Duration.ofSeconds(20));
            assertThat(processesWith(marker).stream().filter(p -> p.info().command().orElse("").contains("/python3")))
                    .as("the program and its child run").hasSize(2);
            parent.toHandle().destroyForcibly();
            assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();
            await(() -> processesWith(marker).isEmpty(), Duration.ofSeconds(10));
            assertThat(processesWith(marker)).as("bwrap, the program and its child").isEmpty();
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void theCommandLineStatesEveryPoint() {
        var root = Sandbox.builder().build().command(List.of("/usr/bin/true"), true);
        assertThat(root).containsSubsequence("--cap-drop", "ALL").containsSubsequence("--clearenv", "--setenv")
                .contains("--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                        "--die-with-parent", "--new-session", "--remount-ro", "--inh-caps=-all", "--bounding-set=-all")
                .containsSubsequence("--size", Long.toString(Limits.DEFAULT.tmpBytes()), "--tmpfs", "/tmp")
                .doesNotContain("--unshare-user");
        var user = Sandbox.builder().hostNetwork(true).build().command(List.of("/usr/bin/true"), false);
        assertThat(user).containsSubsequence("--unshare-user", "--uid", "65534", "--gid", "65534")
                .doesNotContain("--unshare-net", "--cap-drop", Sandbox.SETPRIV.toString());
    }
}
