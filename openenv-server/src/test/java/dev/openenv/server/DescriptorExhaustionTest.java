package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.openenv.core.json.WireCodec;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.server.testing.Await;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Out of file descriptors, the server keeps listening: a server in a child JVM limited to 256 descriptors is
 * flooded with idle connections, the flood is released, and a new client then plays an episode.
 */
@Timeout(120)
class DescriptorExhaustionTest {

    /**
     * The child: an echo server on 127.0.0.1, port 0; prints {@code PORT n}, serves until its stdin closes.
     * With {@code hog}, it then opens files until none are left (an environment gone wild), says
     * {@code HOGGED}, and closes them all at the next line on stdin.
     */
    public static void main(String[] args) throws Exception {
        try (EnvServer server = EnvServer.builder(EchoEnvironment::new)
                .config(c -> c.withHost("127.0.0.1").withPort(0).withMaxConcurrentEnvs(4)).start()) {
            System.out.println("PORT " + server.port());
            System.out.flush();
            var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (args.length > 0 && args[0].equals("hog")) {
                List<java.io.FileInputStream> hog = new ArrayList<>();
                try {
                    while (true) {
                        hog.add(new java.io.FileInputStream("/dev/null"));
                    }
                } catch (java.io.IOException full) {
                    System.out.println("HOGGED " + hog.size());
                    System.out.flush();
                }
                in.readLine();
                for (var f : hog) {
                    f.close();
                }
                System.out.println("RELEASED");
                System.out.flush();
            }
            while (in.readLine() != null) {
                // until the parent goes
            }
        }
    }

    @Test
    void aServerOutOfDescriptorsAcceptsAgainOnceTheyAreFree() throws Exception {
        Path prlimit = Path.of("/usr/bin/prlimit");
        assumeTrue(Files.isExecutable(prlimit), "needs prlimit (util-linux)");
        Process child = child(prlimit);
        List<String> log = new CopyOnWriteArrayList<>();
        List<Socket> flood = new ArrayList<>();
        try {
            var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String first;
            while ((first = out.readLine()) != null && !first.startsWith("PORT ")) {
                log.add(first);
            }
            assertThat(first).as("the child's output: %s", log).isNotNull();
            int port = Integer.parseInt(first.substring(5).strip());
            Thread.ofVirtual().start(() -> out.lines().forEach(log::add));

            for (int i = 0; i < 400; i++) {   // far past 256: idle connections, never a byte sent
                Socket s = new Socket();
                flood.add(s);
                try {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                } catch (Exception e) {
                    break;   // the listener died (as it did): the flood is over
                }
            }
            Thread.sleep(500);   // let the server's accept loop meet the limit
            for (Socket s : flood) {
                s.close();
            }
            flood.clear();
            // Descriptors are free again: within a few seconds a new client must get in and play.
            Await.until("a new client plays an episode after the flood", Duration.ofSeconds(30), () -> plays(port));
        } finally {
            for (Socket s : flood) {
                s.close();
            }
            child.getOutputStream().close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            System.out.println("child log:\n" + String.join("\n", log));
        }
        long lines = log.stream().filter(l -> l.contains("Too many open files")).count();
        assertThat(lines).as("'Too many open files' logged once per burst, not per attempt").isLessThanOrEqualTo(4);
    }

    @Test
    void whenAnEnvironmentTakesEveryDescriptorTheListenerComesBackOnceTheyAreFree() throws Exception {
        Path prlimit = Path.of("/usr/bin/prlimit");
        assumeTrue(Files.isExecutable(prlimit), "needs prlimit (util-linux)");
        Process child = child(prlimit, "hog");
        List<String> log = new CopyOnWriteArrayList<>();
        try {
            var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            int port = Integer.parseInt(awaitLine(out, "PORT ", log).substring(5).strip());
            awaitLine(out, "HOGGED", log);
            Thread.ofVirtual().start(() -> out.lines().forEach(log::add));
            // Connections held open until an accept fails with EMFILE (Helidon's accept loop then ends). More than
            // one may be needed: the JVM can free a descriptor of its own after the hog filled the table, and
            // the accept that takes it succeeds.
            List<Socket> held = new ArrayList<>();
            try {
                Await.until("the accept loop met the limit", Duration.ofSeconds(20), () -> {
                    if (log.stream().anyMatch(l -> l.contains("Too many open files"))) {
                        return true;
                    }
                    if (held.size() < 64) {
                        Socket s = new Socket();
                        held.add(s);
                        try {
                            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                        } catch (java.io.IOException refused) {
                            // the backlog is full: the loop has stopped, the log line follows
                        }
                    }
                    return false;
                });
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            child.getOutputStream().write("release\n".getBytes(StandardCharsets.UTF_8));
            child.getOutputStream().flush();
            Await.until("a new client plays an episode once descriptors are free", Duration.ofSeconds(30), () -> plays(port));
            assertThat(log).anyMatch(l -> l.contains("listening again on 127.0.0.1:" + port));
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            System.out.println("child log:\n" + String.join("\n", log));
        }
        assertThat(log.stream().filter(l -> l.contains("stopped accepting")).count()).as("the outage logged once").isEqualTo(1);
    }

    private static Process child(Path prlimit, String... args) throws java.io.IOException {
        String classpath = Stream.of(System.getProperty("java.class.path"), System.getProperty("jdk.module.path"))
                .filter(p -> p != null && !p.isBlank()).collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(prlimit.toString(), "--nofile=256:256", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                DescriptorExhaustionTest.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String awaitLine(BufferedReader out, String prefix, List<String> log) throws java.io.IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
            log.add(line);
        }
        throw new AssertionError("the child ended before '" + prefix + "': " + log);
    }

    private static boolean plays(int port) {
        try (var ws = RawWs.open(port, "/ws")) {
            ws.sendText("{\"type\":\"reset\"}");
            if (!WireCodec.standard().parse(ws.nextMessage().text()).path("type").asString().equals("observation")) {
                return false;
            }
            ws.sendText("{\"type\":\"step\",\"data\":{\"message\":\"back\"}}");
            return WireCodec.standard().parse(ws.nextMessage().text()).path("data").path("observation")
                    .path("echoed_message").asString().equals("back");
        } catch (Exception e) {
            return false;
        }
    }
}
