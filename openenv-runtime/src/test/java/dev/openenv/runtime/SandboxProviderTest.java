package dev.openenv.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.client.EnvClient;
import dev.openenv.client.SessionLostException;
import dev.openenv.envs.echo.EchoAction;
import dev.openenv.runtime.internal.SandboxCommand;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox for real: the echo jar plays an episode in it, and hostile Python probes run under the
 * very same policy show what it blocks (and, with the host network, that the probes can tell).
 */
@Timeout(120)
class SandboxProviderTest {
    static Path jar;
    static SandboxPolicy policy;

    @BeforeAll
    static void policyOfTheEchoServer() {
        jar = Echo.cliJar();
        policy = SandboxProvider.forOpenEnvJar(jar, "echo").build().policy();
        String missing = SandboxCommand.missingTools(policy);
        assertThat(missing).as("sandbox tools (bwrap, prlimit, setpriv, socat) must be installed").isNull();
        assertThat(Path.of("/usr/bin/python3")).as("the probes run Debian's python3").isExecutable();
    }

    record Probe(int exitCode, String output, Duration took) {}

    /** Runs {@code python} in a sandbox of {@code policy}; a unique marker in its command line finds its processes. */
    static Probe probe(SandboxPolicy policy, String python, String marker) throws Exception {
        var cmd = SandboxCommand.build(policy, null, 0, Map.of("PATH", "/usr/bin:/bin", "HOME", "/tmp"),
                List.of("/usr/bin/python3", "-c", python, marker));
        var builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        builder.environment().clear();
        long t0 = System.nanoTime();
        Process p = builder.start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            System.out.println("probe exited " + p.exitValue() + ":\n" + out.strip());
            return new Probe(p.exitValue(), out, Duration.ofNanos(System.nanoTime() - t0));
        } finally {
            p.destroyForcibly();
        }
    }

    static Probe probe(SandboxPolicy policy, String python) throws Exception {
        return probe(policy, python, "probe-" + UUID.randomUUID());
    }

    static List<ProcessHandle> processesWith(String marker) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker)).toList();
    }

    static List<Path> sandboxDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("openenv-sandbox-")).toList();
        }
    }

    @Test
    void theEchoJarPlaysAnEpisodeWithoutNetworkThroughThePortBridge() throws Exception {
        var before = sandboxDirs();
        var provider = SandboxProvider.forOpenEnvJar(jar, "echo").build();
        assertThat(provider.policy().network()).isEqualTo(SandboxPolicy.Network.NONE);
        StartedEnv started = provider.start();
        try {
            Echo.report("sandbox (bwrap, no network, port bridge)", started);
            try (var env = EnvClient.connect(started.baseUrl(), Echo.TYPE)) {
                Echo.playEpisode(env);
            }
            assertThat(started.logs()).contains("serving 'echo' on http://127.0.0.1:8000");
        } finally {
            started.close();
        }
        assertThat(ProcessProviderTest.serversOf(jar)).isEmpty();
        assertThat(sandboxDirs()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void withTheHostNetworkTheServerListensOnAFreeHostPort() {
        var provider = SandboxProvider.forOpenEnvJar(jar, "echo").policy(policy.withNetwork(SandboxPolicy.Network.HOST)).build();
        try (var env = EnvClient.start(provider, Echo.TYPE)) {
            Echo.playEpisode(env);
        }
        assertThat(ProcessProviderTest.serversOf(jar)).isEmpty();
    }

    @Test
    void killingTheSandboxedServerMidEpisodeLosesTheSessionAndCloseRemovesEverything() throws Exception {
        var before = sandboxDirs();
        var env = EnvClient.start(SandboxProvider.forOpenEnvJar(jar, "echo").build(), Echo.TYPE);
        try {
            env.reset();
            assertThat(env.step(new EchoAction("before")).observation().messageLength()).isEqualTo(6);
            ProcessHandle server = ProcessProviderTest.serversOf(jar).stream()
                    .filter(p -> p.info().command().orElse("").endsWith("/java")).findFirst().orElseThrow();
            server.destroyForcibly();
            server.onExit().get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> env.step(new EchoAction("after"))).isInstanceOf(SessionLostException.class);
        } finally {
            env.close();
        }
        assertThat(ProcessProviderTest.serversOf(jar)).isEmpty();
        assertThat(sandboxDirs()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void aServerThatCannotStartInTheSandboxFailsWithItsOutput() {
        // The host's /work is not in the sandbox: a jar there that was not bound is not found.
        var provider = SandboxProvider.builder(ProcessProvider.javaExecutable(), "-jar", "/work/not-bound.jar")
                .startupTimeout(Duration.ofSeconds(30)).build();
        assertThatThrownBy(provider::start).isInstanceOfSatisfying(ProviderStartException.class, e -> {
            assertThat(e.getMessage()).contains("before it was ready");
            assertThat(e.logs()).contains("Unable to access jarfile /work/not-bound.jar");
        });
    }

    @Test
    void noNetworkMeansTheHostsLoopbackServicesAreOutOfReach() throws Exception {
        try (var hostService = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String python = """
                    import socket
                    try:
                        socket.create_connection(("127.0.0.1", %d), timeout=3)
                        print("CONNECTED")
                    except OSError as e:
                        print("BLOCKED", type(e).__name__)
                    print("INTERFACES", sorted(n for _, n in socket.if_nameindex()))
                    """.formatted(hostService.getLocalPort());
            var isolated = probe(policy, python);
            assertThat(isolated.output()).contains("BLOCKED ConnectionRefusedError").contains("INTERFACES ['lo']");
            // The same probe with the host's network reaches the service: the probe can tell.
            var shared = probe(policy.withNetwork(SandboxPolicy.Network.HOST), python);
            assertThat(shared.output()).contains("CONNECTED");
        }
    }

    @Test
    void nothingOutsideTmpCanBeWrittenAndHostFilesAreNotThere(@TempDir Path hostTmp) throws Exception {
        Path secret = Files.writeString(hostTmp.resolve("secret.txt"), "host secret");
        String python = """
                import os
                for path in ["/usr/evil", "/etc/evil", "/evil", "/run/evil", "%s", "/tmp/ok"]:
                    try:
                        with open(path, "w") as f:
                            f.write("x")
                        print("WROTE", path)
                    except OSError as e:
                        print("REFUSED", path, type(e).__name__)
                print("VISIBLE", [p for p in ["/root", "/home", "/var", "/etc/passwd", "/etc/shadow", "%s"] if os.path.exists(p)])
                print("JAR DIR", os.listdir("%s"))
                """.formatted(jar.resolveSibling("evil"), secret, jar.getParent());
        var result = probe(policy, python);
        assertThat(result.output())
                .contains("REFUSED /usr/evil OSError", "REFUSED /etc/evil", "REFUSED /evil", "REFUSED /run/evil",
                        "REFUSED " + jar.resolveSibling("evil"))
                .contains("WROTE /tmp/ok")
                .contains("VISIBLE []")
                .contains("JAR DIR ['" + jar.getFileName() + "']");
        assertThat(result.output().lines().filter(l -> l.startsWith("WROTE"))).containsExactly("WROTE /tmp/ok");
        assertThat(jar.resolveSibling("evil")).doesNotExist();
    }

    @Test
    void aForkBombHitsTheProcessLimitAndDiesWithTheSandbox() throws Exception {
        String marker = "forkbomb-" + UUID.randomUUID();
        String python = """
                import os, time
                n = 0
                try:
                    while True:
                        if os.fork() == 0:
                            time.sleep(120)
                            os._exit(0)
                        n += 1
                except OSError as e:
                    print("FORKS", n, type(e).__name__, flush=True)
                """;
        var result = probe(policy, python, marker);
        assertThat(result.output()).containsPattern("FORKS \\d+ BlockingIOError");
        int forks = Integer.parseInt(result.output().replaceAll("(?s).*FORKS (\\d+).*", "$1"));
        assertThat(forks).isLessThan(policy.processes());
        // The children were still sleeping when the probe ended: the PID namespace took them down.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!processesWith(marker).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(processesWith(marker)).isEmpty();
    }

    @Test
    void aMemoryHogGetsMemoryErrorAtTheAddressSpaceLimitAndTmpIsCapped() throws Exception {
        String python = """
                import errno
                chunks = []
                try:
                    while True:
                        chunks.append(bytearray(64 << 20))
                except MemoryError:
                    print("MEMORY MiB", len(chunks) * 64, flush=True)
                chunks = None
                written = 0
                try:
                    for i in range(100):
                        with open("/tmp/fill%d" % i, "wb") as f:
                            for _ in range(32):
                                f.write(b"x" * (1 << 20))
                                written += 1
                except OSError as e:
                    print("TMP MiB", written, errno.errorcode[e.errno], flush=True)
                """;
        var result = probe(policy, python);
        assertThat(result.output()).containsPattern("MEMORY MiB \\d+").containsPattern("TMP MiB \\d+ ENOSPC");
        int memory = Integer.parseInt(result.output().replaceAll("(?s).*MEMORY MiB (\\d+).*", "$1"));
        int tmp = Integer.parseInt(result.output().replaceAll("(?s).*TMP MiB (\\d+).*", "$1"));
        assertThat(memory).isLessThan((int) (policy.memoryBytes() >> 20));
        assertThat(tmp).isLessThanOrEqualTo((int) (policy.tmpBytes() >> 20));
    }

    @Test
    void aCpuHogIsKilledAtItsCpuTimeLimit() throws Exception {
        var result = probe(policy.withCpuTime(Duration.ofSeconds(1)), "while True: pass");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.took()).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void theServerRunsAsNobodyWithoutCapabilitiesSeeingOnlyItsOwnProcesses() throws Exception {
        String python = """
                import os
                print("UID", os.getuid(), os.getgid())
                print("PIDS", len([p for p in os.listdir("/proc") if p.isdigit()]))
                print([l for l in open("/proc/self/status") if l.startswith("CapEff")][0].strip())
                print("ENV", sorted(os.environ))
                """;
        var result = probe(policy, python);
        assertThat(result.output()).containsPattern("UID (65534|\\d{10}) 65534").contains("CapEff:\t0000000000000000")
                .contains("ENV ['HOME', 'LC_CTYPE', 'PATH', 'PWD']");
        int pids = Integer.parseInt(result.output().replaceAll("(?s).*PIDS (\\d+).*", "$1"));
        assertThat(pids).isLessThanOrEqualTo(3);
    }
}
