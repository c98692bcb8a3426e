package dev.openenv.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.client.EnvClient;
import dev.openenv.client.SessionLostException;
import dev.openenv.envs.echo.EchoAction;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ProcessProviderTest {
    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** The server processes among this JVM's children (a jar server is a child of ours). */
    static List<ProcessHandle> serversOf(Path jar) {
        return ProcessHandle.current().descendants().filter(p -> p.info().commandLine().orElse("").contains(jar.toString())).toList();
    }

    @Test
    void aJavaEnvironmentJarPlaysAnEpisodeAndStopsWithItsClient() {
        Path jar = Echo.cliJar();
        var lines = new CopyOnWriteArrayList<String>();
        var provider = ProcessProvider.forOpenEnvJar(jar, "echo").env("MAX_CONCURRENT_ENVS", "2").logConsumer(lines::add).build();
        StartedEnv started = provider.start();
        toClose.add(started);
        Echo.report("process (java -jar openenv.jar serve echo)", started);
        assertThat(started.baseUrl()).startsWith("http://127.0.0.1:");
        assertThat(serversOf(jar)).hasSize(1);
        try (var env = EnvClient.connect(started.baseUrl(), Echo.TYPE)) {
            Echo.playEpisode(env);
        }
        assertThat(lines).anyMatch(l -> l.contains("serving 'echo' on " + started.baseUrl()) && l.contains("max 2 sessions"));
        assertThat(started.logs()).contains("serving 'echo'");
        started.close();
        assertThat(started.isRunning()).isFalse();
        assertThat(serversOf(jar)).isEmpty();
    }

    @Test
    void killingTheServerMidEpisodeLosesTheSessionAndCloseStillCleansUp() throws Exception {
        Path jar = Echo.cliJar();
        var env = EnvClient.start(ProcessProvider.forOpenEnvJar(jar, "echo").build(), Echo.TYPE);
        toClose.add(env);
        env.reset();
        assertThat(env.step(new EchoAction("before")).observation().echoedMessage()).isEqualTo("before");
        ProcessHandle server = serversOf(jar).getFirst();
        server.destroyForcibly();
        server.onExit().get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> env.step(new EchoAction("after"))).isInstanceOf(SessionLostException.class);
        env.close();
        assertThat(serversOf(jar)).isEmpty();
    }

    @Test
    void theJarsAotCacheIsUsedWhenItIsNewerThanTheJar(@TempDir Path dir) throws Exception {
        Path jar = java.nio.file.Files.writeString(dir.resolve("openenv.jar"), "jar");
        assertThat(ProcessProvider.forOpenEnvJar(jar, "echo").build().command()).noneMatch(a -> a.startsWith("-XX:AOTCache"));
        Path aot = java.nio.file.Files.writeString(dir.resolve("openenv.aot"), "cache");
        java.nio.file.Files.setLastModifiedTime(aot, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 1000));
        assertThat(ProcessProvider.forOpenEnvJar(jar, "echo").build().command()).contains("-XX:AOTCache=" + aot.toAbsolutePath())
                .containsSubsequence("-XX:AOTCache=" + aot.toAbsolutePath(), "-jar");
        assertThat(SandboxProvider.forOpenEnvJar(jar, "echo").build().command()).contains("-XX:AOTCache=" + aot.toAbsolutePath());
        java.nio.file.Files.setLastModifiedTime(aot, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        assertThat(ProcessProvider.forOpenEnvJar(jar, "echo").build().command()).as("a cache older than its jar")
                .noneMatch(a -> a.startsWith("-XX:AOTCache"));
    }

    @Test
    void aCommandThatExitsFailsAtOnceWithItsOutput() {
        var provider = ProcessProvider.builder("sh", "-c", "echo 'cannot load environment: no such module' >&2; exit 3")
                .startupTimeout(Duration.ofSeconds(30)).build();
        long t0 = System.nanoTime();
        assertThatThrownBy(provider::start).isInstanceOfSatisfying(ProviderStartException.class, e -> {
            assertThat(e.getMessage()).contains("exited with code 3 before it was ready").contains("cannot load environment");
            assertThat(e.logs()).contains("cannot load environment: no such module");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aServerThatIsNotReadyInTimeIsKilled(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        var provider = ProcessProvider.builder("sh", "-c", "echo $$ > " + pidFile + "; echo listening on $PORT; exec sleep 300")
                .startupTimeout(Duration.ofSeconds(2)).build();
        assertThatThrownBy(provider::start).isInstanceOfSatisfying(ProviderStartException.class, e -> {
            assertThat(e.getMessage()).contains("not ready within 2000 ms");
            assertThat(e.logs()).containsPattern("listening on \\d+");
        });
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void anyCommandGetsItsPortInPlaceholdersAndAsPORT() {
        // Python's own HTTP server is no OpenEnv server: wait for a plain GET instead of a reset.
        var provider = ProcessProvider.builder("/usr/bin/python3", "-m", "http.server", "{port}", "--bind", "127.0.0.1")
                .waitingFor(Wait.forHttp("/")).build();
        try (var started = provider.start()) {
            assertThat(started.description()).contains("http.server, " + started.baseUrl().substring("http://127.0.0.1:".length()));
        }
        var viaEnv = ProcessProvider.builder("sh", "-c", "exec /usr/bin/python3 -m http.server $PORT --bind $HOST")
                .waitingFor(Wait.forHttp("/")).build();
        try (var started = viaEnv.start()) {
            assertThat(started.isRunning()).isTrue();
        }
    }

    @Test
    void aServerThatLostItsPortToAnotherProcessIsStartedAgainOnAnother(@TempDir Path dir) {
        Path jar = Echo.cliJar();
        Path marker = dir.resolve("first-attempt-done");
        // The first attempt behaves like a server whose port was taken meanwhile.
        String script = "if [ ! -e " + marker + " ]; then touch " + marker
                + "; echo 'java.net.BindException: Address already in use' >&2; exit 1; fi; exec \"$@\"";
        var provider = ProcessProvider.builder("sh", "-c", script, "sh", ProcessProvider.javaExecutable(), "-jar", jar.toString(),
                "serve", "echo", "--port", "{port}", "--host", "127.0.0.1").build();
        try (var env = EnvClient.start(provider, Echo.TYPE)) {
            Echo.playEpisode(env);
        }
        assertThat(marker).exists();
    }

    @Test
    void theServerDiesWithTheJvmThatStartedItEvenWhenThatJvmIsKilled() throws Exception {
        for (String how : List.of("exit", "hang")) {
            Path jar = Echo.cliJar();
            Process child = new ProcessBuilder(ProcessProvider.javaExecutable(), "-cp", System.getProperty("java.class.path"),
                    ProviderInChildJvm.class.getName(), jar.toString(), how).redirectErrorStream(true).start();
            toClose.add(child::destroyForcibly);
            String line;
            try (var out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                while ((line = out.readLine()) != null && !line.startsWith("PID ")) {
                    // skip the child's log lines
                }
                assertThat(line).as("the child JVM's report").isNotNull();
                long pid = Long.parseLong(line.split(" ")[1]);
                ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
                toClose.add(server::destroyForcibly);
                if (how.equals("hang")) {
                    child.destroyForcibly(); // SIGKILL: no shutdown hook runs
                }
                assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
                server.onExit().get(20, TimeUnit.SECONDS);
                assertThat(server.isAlive()).as("server after its JVM's " + how).isFalse();
            }
        }
    }
}
