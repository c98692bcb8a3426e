package dev.openenv.runtime;

import dev.openenv.client.EnvProvider;
import dev.openenv.runtime.internal.FreePorts;
import dev.openenv.runtime.internal.Lifecycle;
import dev.openenv.runtime.internal.LocalProcess;
import dev.openenv.runtime.internal.Processes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;

/**
 * Runs any command that serves the OpenEnv protocol as a local process: a Java environment jar, a
 * Python environment under uvicorn, anything. It gets a free loopback port as {@code PORT} (and
 * {@code HOST=127.0.0.1}) in its environment and wherever {@value #PORT_PLACEHOLDER} appears in
 * its arguments; its stdout and stderr are captured.
 *
 * <pre>{@code
 * var provider = ProcessProvider.forOpenEnvJar(Path.of("openenv.jar"), "echo").build();
 * var python = ProcessProvider.builder("uvicorn", "server.app:app", "--port", "{port}").build();
 * try (var env = EnvClient.start(provider, echoType)) { … }
 * }</pre>
 *
 * Stopping sends SIGTERM to the process and its descendants, then SIGKILL after the stop timeout.
 * Besides the shutdown hook, on Linux the process is started under {@code setpriv --pdeathsig KILL},
 * so it dies with this JVM even when the JVM is killed outright. What it cannot catch: descendants
 * that detach themselves (double fork) and survive their parent — use {@link SandboxProvider}, whose
 * PID namespace takes every process down with it.
 *
 * @param command   the command; {@value #PORT_PLACEHOLDER} in any argument becomes the port
 * @param directory working directory, null for this JVM's
 * @param startup   timeout, wait strategy, log consumer, stop timeout (default 10 s), and the
 *                  environment, added to this JVM's (and overriding {@code PORT}/{@code HOST})
 */
public record ProcessProvider(List<String> command, Path directory, StartupOptions startup) implements EnvProvider {
    /** Replaced by the server's port in every argument of the command. */
    public static final String PORT_PLACEHOLDER = "{port}";
    /** Attempts when the server loses its port to another process between picking and binding. */
    static final int PORT_ATTEMPTS = 3;

    public ProcessProvider {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must not be empty");
        }
        Objects.requireNonNull(startup, "startup");
    }

    public static Builder builder(String... command) {
        return new Builder(List.of(command));
    }

    public static Builder builder(List<String> command) {
        return new Builder(command);
    }

    /**
     * {@code java -jar JAR serve ENV --host 127.0.0.1 --port {port} --no-web}, with the {@code java}
     * of this JVM: a bundled environment of the {@code openenv} CLI jar. The jar's AOT cache
     * ({@code openenv.aot} beside it, newer than it) is used when there is one.
     */
    public static Builder forOpenEnvJar(Path jar, String environment) {
        var command = new java.util.ArrayList<String>(List.of(javaExecutable()));
        dev.openenv.runtime.internal.AotCaches.optionFor(jar).ifPresent(command::add); // as ./openenv does
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "serve", environment,
                "--host", "127.0.0.1", "--port", PORT_PLACEHOLDER, "--no-web"));
        return new Builder(command);
    }

    /** The {@code java} launcher of this JVM. */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public StartedEnv start() {
        ProviderStartException last = null;
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            int port = FreePorts.pick();
            try {
                return Lifecycle.start(startup, () -> launch(port));
            } catch (ProviderStartException e) {
                if (!FreePorts.lostPortRace(e.logs())) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    private LocalProcess launch(int port) {
        List<String> cmd = withPort(command, port);
        var env = new LinkedHashMap<String, String>();
        env.put("PORT", Integer.toString(port));
        env.put("HOST", "127.0.0.1");
        env.putAll(startup.environment());
        return LocalProcess.start("process " + cmd, Processes.dieWithJvm(cmd), env, false, directory,
                "http://127.0.0.1:" + port, startup.stopTimeout(), startup.logConsumer(), () -> { });
    }

    static List<String> withPort(List<String> command, int port) {
        return command.stream().map(a -> a.replace(PORT_PLACEHOLDER, Integer.toString(port))).toList();
    }

    /** Builds a {@link ProcessProvider}. */
    public static final class Builder extends ProviderBuilder<Builder> {
        private final List<String> command;
        private Path directory;

        private Builder(List<String> command) {
            super(StartupOptions.defaults());
            this.command = new ArrayList<>(command);
        }

        /** Appends arguments to the command. */
        public Builder args(String... args) {
            command.addAll(List.of(args));
            return this;
        }

        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        public ProcessProvider build() {
            return new ProcessProvider(command, directory, startup);
        }
    }
}
