package dev.openenv.interop;

import dev.openenv.runtime.Wait;
import dev.openenv.runtime.WaitTarget;
import java.util.Optional;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** An upstream-library echo server (interop/servers/py_echo_server.py) run as a real Python process. */
final class PythonServer implements AutoCloseable {
    private final Process process;
    private final Path log;
    final String baseUrl;

    private PythonServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    static PythonServer start(Map<String, String> env) throws IOException {
        return start("servers/py_echo_server.py", env);
    }

    /** Starts {@code script} (relative to interop/) with {@code --host 127.0.0.1 --port P}. */
    static PythonServer start(String script, Map<String, String> env) throws IOException {
        String python = System.getProperty("openenv.interop.python", "python3");
        Path dir = Path.of(System.getProperty("openenv.interop.dir", "."));
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("py-server", ".log");
        var builder = new ProcessBuilder(python, dir.resolve(script).toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        var server = new PythonServer(builder.start(), log, port);
        try {
            Process process = server.process;
            Wait.forHealth().waitUntilReady(new WaitTarget() {
                @Override
                public String baseUrl() {
                    return server.baseUrl;
                }

                @Override
                public Optional<String> failure() {
                    return process.isAlive() ? Optional.empty() : Optional.of("exited with " + process.exitValue());
                }
            }, Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            String output = server.output();
            server.close();
            throw new IllegalStateException("Python server did not start:\n" + output, e);
        }
        return server;
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Kills the server abruptly, as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (IOException ignored) {
            // a leftover temp file is harmless
        }
    }
}
