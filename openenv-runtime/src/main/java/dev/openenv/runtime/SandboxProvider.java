package dev.openenv.runtime;

import dev.openenv.client.EnvProvider;
import dev.openenv.runtime.internal.FreePorts;
import dev.openenv.runtime.internal.Lifecycle;
import dev.openenv.runtime.internal.LocalProcess;
import dev.openenv.runtime.internal.PortBridge;
import dev.openenv.runtime.internal.SandboxCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Runs a server command like {@link ProcessProvider} does, isolated with Linux namespaces by
 * bubblewrap ({@code bwrap}) and limited by rlimits ({@code prlimit}); see {@link SandboxPolicy}.
 *
 * <pre>{@code
 * var provider = SandboxProvider.forOpenEnvJar(Path.of("openenv.jar"), "echo").build();
 * try (var env = EnvClient.start(provider, echoType)) { … }
 * }</pre>
 *
 * <h2>Network</h2>
 * With {@link SandboxPolicy.Network#NONE} (the default) the server runs in a network namespace of its
 * own that has only a loopback interface: it can connect nowhere, not even to services on the host's
 * loopback. It listens there on port {@value #INNER_PORT}; a relay in the sandbox ({@code socat})
 * accepts connections on a unix socket in a directory shared with the host and forwards them to that
 * port, and on the host a bridge listens on {@code 127.0.0.1} and an ephemeral port and forwards to
 * the unix socket. The client talks to the bridge. {@link SandboxPolicy.Network#HOST} shares the
 * host's network instead (no relay; a free port as with {@link ProcessProvider}).
 *
 * <h2>What it protects against, and what not</h2>
 * The server sees an empty read-only root with {@code /usr} (and the policy's paths) read-only, a
 * private size-limited {@code /tmp}, its own {@code /proc} and PID namespace (it cannot see or signal
 * host processes; every process in it dies when the sandbox ends), its own IPC and UTS namespaces,
 * no capabilities, user {@code nobody} (as root via {@code setpriv}; otherwise through a user
 * namespace), a clean environment (only the variables given), and the policy's rlimits. That keeps
 * it from reading or changing host files, reaching the network, fork-bombing or exhausting the
 * host's memory beyond its limits, and outliving its provider. It does not protect against kernel
 * exploits (same kernel), reading what {@code /usr} holds, CPU contention (rlimits cap CPU time, not
 * share), the per-user process count being shared by all sandboxes of the same user, or total memory
 * across many processes (rlimits are per process; cgroups are not used).
 *
 * @param command the server command; {@value ProcessProvider#PORT_PLACEHOLDER} becomes its port
 * @param policy  isolation and limits
 * @param startup timeout, wait strategy, log consumer, stop timeout (default 5 s), and the environment:
 *                the server's whole environment, besides {@code PATH}, {@code HOME=/tmp}, {@code PORT}
 *                and {@code HOST}
 */
public record SandboxProvider(List<String> command, SandboxPolicy policy, StartupOptions startup) implements EnvProvider {
    /** The port the server listens on inside its own network namespace. */
    public static final int INNER_PORT = 8000;

    public SandboxProvider {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must not be empty");
        }
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(startup, "startup");
    }

    public static Builder builder(String... command) {
        return new Builder(List.of(command));
    }

    public static Builder builder(List<String> command) {
        return new Builder(command);
    }

    /**
     * A bundled environment of the {@code openenv} CLI jar, with this JVM's {@code java} and the
     * settings that let a JVM fit the default 2 GiB address space ({@code -Xmx256m}, serial GC,
     * 64 MiB class and code space). The jar (and a JDK outside {@code /usr}) is bound read-only.
     */
    public static Builder forOpenEnvJar(Path jar, String environment) {
        Path absolute = jar.toAbsolutePath().normalize();
        var command = new java.util.ArrayList<String>(List.of(ProcessProvider.javaExecutable(), "-Xmx256m", "-Xss512k", "-XX:+UseSerialGC",
                "-XX:CompressedClassSpaceSize=64m", "-XX:ReservedCodeCacheSize=64m", "-XX:TieredStopAtLevel=1"));
        java.util.Optional<String> aot = dev.openenv.runtime.internal.AotCaches.optionFor(absolute);
        aot.ifPresent(command::add);
        command.addAll(List.of("-jar", absolute.toString(), "serve", environment, "--host", "127.0.0.1", "--port",
                ProcessProvider.PORT_PLACEHOLDER, "--no-web"));
        var builder = new Builder(command);
        builder.policy = builder.policy.withReadOnly(absolute);
        if (aot.isPresent()) {
            builder.policy = builder.policy.withReadOnly(absolute.resolveSibling("openenv.aot"));
        }
        Path javaHome = Path.of(System.getProperty("java.home")).toAbsolutePath().normalize();
        if (!javaHome.startsWith("/usr/")) {
            builder.policy = builder.policy.withReadOnly(javaHome);
        }
        return builder;
    }

    @Override
    public StartedEnv start() {
        String missing = SandboxCommand.missingTools(policy);
        if (missing != null) {
            throw new ProviderStartException("the sandbox needs " + missing);
        }
        if (policy.network() == SandboxPolicy.Network.NONE) {
            return Lifecycle.start(startup, this::launchIsolated);
        }
        ProviderStartException last = null;
        for (int attempt = 1; attempt <= ProcessProvider.PORT_ATTEMPTS; attempt++) {
            int port = FreePorts.pick();
            try {
                return Lifecycle.start(startup, () -> launch(port, null, "http://127.0.0.1:" + port, () -> { }));
            } catch (ProviderStartException e) {
                if (!FreePorts.lostPortRace(e.logs())) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    private LocalProcess launchIsolated() {
        Path dir;
        Path socketDir;
        try {
            dir = Files.createTempDirectory("openenv-sandbox-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            socketDir = Files.createDirectory(dir.resolve("socket"));
            // The relay runs as nobody; the 0700 parent keeps other host users out.
            Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (IOException e) {
            throw new ProviderStartException("cannot create the sandbox's socket directory", e);
        }
        PortBridge bridge;
        try {
            bridge = PortBridge.open(socketDir.resolve("env.sock"));
        } catch (UncheckedIOException e) {
            deleteTree(dir);
            throw new ProviderStartException("cannot open the sandbox's port bridge", e);
        }
        return launch(INNER_PORT, socketDir, "http://127.0.0.1:" + bridge.port(), () -> {
            bridge.close();
            deleteTree(dir);
        });
    }

    private LocalProcess launch(int port, Path socketDir, String baseUrl, Runnable afterStop) {
        List<String> cmd = ProcessProvider.withPort(command, port);
        // The sandbox's PATH and HOME=/tmp, then these: the server gets exactly them (bwrap --clearenv).
        var env = new LinkedHashMap<String, String>();
        env.put("PORT", Integer.toString(port));
        env.put("HOST", "127.0.0.1");
        env.putAll(startup.environment());
        List<String> sandboxed = SandboxCommand.build(policy, socketDir, port, env, cmd);
        return LocalProcess.start("sandbox (network " + policy.network().name().toLowerCase(java.util.Locale.ROOT) + ") " + cmd,
                sandboxed, Map.of(), true, null, baseUrl, startup.stopTimeout(), startup.logConsumer(), afterStop);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover empty temp directory is harmless
        }
    }

    /** Builds a {@link SandboxProvider}. */
    public static final class Builder extends ProviderBuilder<Builder> {
        private final List<String> command;
        private SandboxPolicy policy = SandboxPolicy.defaults();

        private Builder(List<String> command) {
            super(StartupOptions.defaults().withStopTimeout(Duration.ofSeconds(5)));
            this.command = new ArrayList<>(command);
        }

        /** Replaces the policy; the read-only paths of {@link #forOpenEnvJar} are kept. */
        public Builder policy(SandboxPolicy policy) {
            var kept = this.policy.readOnly();
            this.policy = policy.withReadOnly(kept.stream().filter(p -> !policy.readOnly().contains(p)).toArray(Path[]::new));
            return this;
        }

        public SandboxProvider build() {
            return new SandboxProvider(command, policy, startup);
        }
    }
}
