package dev.openenv.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How to run an untrusted program under bubblewrap ({@code bwrap}) with rlimits ({@code prlimit}):
 * one policy for everything OpenEnv sandboxes, from a model's Python snippet to a whole environment
 * server. Immutable; {@link #command} turns a program into the full command line.
 *
 * <pre>{@code
 * var sandbox = Sandbox.builder().readOnly(jdkHome).limits(limits).build();
 * Process p = sandbox.start(List.of("/usr/bin/python3", "-I", "-c", code));
 * }</pre>
 *
 * <p>What every sandbox gets, whatever the builder was told (see the module's README for why):
 * <ul>
 *   <li>an empty root, remounted read-only, with {@code /usr} bound read-only (and {@code /lib},
 *       {@code /lib64}, {@code /bin}, {@code /sbin} as links into it), {@code /etc/alternatives} and
 *       {@code /etc/ld.so.cache} (both only point into {@code /usr}), and the {@link Bind}s asked for;
 *   <li>a private, memory-backed {@code /tmp} of {@link Limits#tmpBytes()} (never unbounded), the
 *       working directory and {@code HOME};
 *   <li>own PID, IPC, UTS (hostname {@value #HOSTNAME}) and cgroup namespaces, and an own network
 *       namespace with only loopback unless {@link Builder#hostNetwork(boolean)} opts in;
 *   <li>{@code --die-with-parent} (the sandbox is SIGKILLed when its parent dies) and
 *       {@code --new-session} (no terminal to inject keystrokes into);
 *   <li>an empty environment ({@code --clearenv}) plus exactly the variables given;
 *   <li>a user of its own with no capabilities and {@code no_new_privs}: as root, a uid drawn at random
 *       from {@link #SANDBOX_UID_BASE} (group {@code nobody}); bubblewrap keeps only what {@code setpriv}
 *       needs to switch to it, and {@code setpriv} then drops every capability, bounding set included.
 *       Unprivileged, a user namespace of its own maps the caller to nobody. Either way the sandbox's
 *       {@code RLIMIT_NPROC} counts only its own processes (the kernel counts per uid, and since 5.14 per
 *       user namespace too), so a fork bomb in one sandbox leaves every other its whole limit. (cgroup
 *       {@code pids} would need a writable cgroup tree, which containers and cgroup v1 hosts rarely give.)
 *   <li>the rlimits of {@link Limits}, set by {@code prlimit} as nobody, right before the program.
 * </ul>
 *
 * @param limits      rlimits and the size of {@code /tmp}
 * @param hostNetwork whether the program shares the host's network (default: no network at all)
 * @param binds       host paths made visible inside, besides {@code /usr}
 * @param environment the program's whole environment
 */
public record Sandbox(Limits limits, boolean hostNetwork, List<Bind> binds, Map<String, String> environment) {
    public static final Path BWRAP = Path.of("/usr/bin/bwrap");
    public static final Path PRLIMIT = Path.of("/usr/bin/prlimit");
    public static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    /** The gid a sandboxed program runs as, and its uid when bwrap runs unprivileged. */
    public static final int NOBODY = 65534;
    /**
     * The uids a sandbox started by root runs as, one drawn at random per start: 2^24 of them above
     * every regular and subordinate range, so 100 concurrent sandboxes share one with probability 3e-4.
     */
    public static final int SANDBOX_UID_BASE = 0x4000_0000;
    public static final int SANDBOX_UID_COUNT = 1 << 24;
    public static final String HOSTNAME = "openenv-sandbox";

    /**
     * Per-process rlimits (0: none) and the size of the private {@code /tmp} (always bounded).
     *
     * @param cpuTime           CPU time of a process's whole life, then SIGXCPU and SIGKILL ({@code RLIMIT_CPU})
     * @param addressSpaceBytes address space of a process ({@code RLIMIT_AS})
     * @param processes         processes and threads of the sandbox's user ({@code RLIMIT_NPROC})
     * @param fileBytes         largest file a process may write ({@code RLIMIT_FSIZE})
     * @param openFiles         open file descriptors of a process ({@code RLIMIT_NOFILE})
     * @param tmpBytes          size of the memory-backed {@code /tmp}; must be positive
     */
    public record Limits(Duration cpuTime, long addressSpaceBytes, int processes, long fileBytes, int openFiles, long tmpBytes) {
        /** For one short untrusted program: 10 s CPU, 512 MiB, 32 processes, 16 MiB files, 64 files, 64 MiB /tmp. */
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(10), 512L << 20, 32, 16L << 20, 64, 64L << 20);

        public Limits {
            Objects.requireNonNull(cpuTime, "cpuTime");
            if (cpuTime.isNegative() || addressSpaceBytes < 0 || processes < 0 || fileBytes < 0 || openFiles < 0) {
                throw new IllegalArgumentException("limits must not be negative");
            }
            if (tmpBytes <= 0) {
                throw new IllegalArgumentException("/tmp must have a positive size (a tmpfs without one may take half the host's memory), got " + tmpBytes);
            }
        }
    }

    /** A host path visible inside the sandbox at {@code target}, read-only unless {@code writable}. */
    public record Bind(Path source, Path target, boolean writable) {
        public Bind {
            source = source.toAbsolutePath().normalize();
            target = target.toAbsolutePath().normalize();
        }

        public static Bind readOnly(Path path) {
            return new Bind(path, path, false);
        }

        public static Bind writable(Path path) {
            return new Bind(path, path, true);
        }
    }

    public Sandbox {
        Objects.requireNonNull(limits, "limits");
        binds = List.copyOf(binds);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * What this machine lacks to run sandboxes, with the Debian packages that bring it; empty when
     * nothing is missing. ({@code setpriv} is needed only when running as root.)
     */
    public static Optional<String> missingTools() {
        var needed = new ArrayList<>(List.of(BWRAP, PRLIMIT));
        if (runningAsRoot()) {
            needed.add(SETPRIV);
        }
        var missing = needed.stream().filter(p -> !Files.isExecutable(p)).map(Path::toString).toList();
        return missing.isEmpty() ? Optional.empty()
                : Optional.of(String.join(", ", missing) + " (Debian: apt-get install bubblewrap util-linux)");
    }

    /** The full command line that runs {@code program} in this sandbox. */
    public List<String> command(List<String> program) {
        return command(program, runningAsRoot());
    }

    /**
     * A process builder for {@code program} in this sandbox, with an empty environment of its own
     * too (bubblewrap clears it anyway): the caller only sets redirects and the directory of bwrap.
     */
    public ProcessBuilder processBuilder(List<String> program) {
        var builder = new ProcessBuilder(command(program));
        builder.environment().clear();
        return builder;
    }

    /** Starts {@code program} in this sandbox with stdin, stdout and stderr as pipes. */
    public Process start(List<String> program) throws IOException {
        return processBuilder(program).start();
    }

    /** {@link #command(List)} as it is when bwrap runs as root ({@code asRoot}) or as anyone else. */
    List<String> command(List<String> program, boolean asRoot) {
        if (program.isEmpty()) {
            throw new IllegalArgumentException("program must not be empty");
        }
        var cmd = new ArrayList<>(List.of(BWRAP.toString()));
        if (asRoot) {
            // bwrap as root keeps nearly every capability by default: keep only what setpriv needs to
            // become nobody (setuid, setgid) and to empty the bounding set (setpcap).
            cmd.addAll(List.of("--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"));
        } else {
            cmd.addAll(List.of("--unshare-user", "--uid", Integer.toString(NOBODY), "--gid", Integer.toString(NOBODY)));
        }
        // --clearenv acts where it stands: before any --setenv.
        cmd.add("--clearenv");
        environment.forEach((k, v) -> cmd.addAll(List.of("--setenv", k, v)));
        cmd.addAll(List.of("--tmpfs", "/",
                "--ro-bind", "/usr", "/usr",
                "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
                "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
                "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
                "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
                "--proc", "/proc", "--dev", "/dev",
                "--perms", "01777", "--size", Long.toString(limits.tmpBytes()), "--tmpfs", "/tmp"));
        var made = new HashSet<Path>();
        for (Bind bind : binds) {
            parents(bind.target(), made, cmd);
            cmd.addAll(List.of(bind.writable() ? "--bind" : "--ro-bind", bind.source().toString(), bind.target().toString()));
        }
        cmd.addAll(List.of("--remount-ro", "/",
                "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", HOSTNAME));
        if (!hostNetwork) {
            cmd.add("--unshare-net");
        }
        cmd.addAll(List.of("--die-with-parent", "--new-session", "--chdir", "/tmp", "--"));
        if (asRoot) {
            int uid = SANDBOX_UID_BASE + java.util.concurrent.ThreadLocalRandom.current().nextInt(SANDBOX_UID_COUNT);
            cmd.addAll(List.of(SETPRIV.toString(), "--reuid=" + uid, "--regid=" + NOBODY, "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--"));
        }
        cmd.add(PRLIMIT.toString());
        if (!limits.cpuTime().isZero()) {
            cmd.add("--cpu=" + Math.max(1, limits.cpuTime().toSeconds()));
        }
        if (limits.addressSpaceBytes() > 0) {
            cmd.add("--as=" + limits.addressSpaceBytes());
        }
        if (limits.processes() > 0) {
            cmd.add("--nproc=" + limits.processes());
        }
        if (limits.fileBytes() > 0) {
            cmd.add("--fsize=" + limits.fileBytes());
        }
        if (limits.openFiles() > 0) {
            cmd.add("--nofile=" + limits.openFiles());
        }
        cmd.add("--");
        cmd.addAll(program);
        return cmd;
    }

    /**
     * Kills a sandbox and everything in it: its descendants first (a snapshot, in case the PID namespace
     * does not take them down), then the sandbox itself. Works for any process tree.
     */
    public static void kill(ProcessHandle sandbox) {
        sandbox.descendants().forEach(ProcessHandle::destroyForcibly);
        sandbox.destroyForcibly();
    }

    /** bwrap would make a bind's missing parents 0700 root: make them traversable for nobody first. */
    private static void parents(Path target, Set<Path> made, List<String> cmd) {
        var chain = new ArrayList<Path>();
        for (Path p = target.getParent(); p != null && p.getParent() != null; p = p.getParent()) {
            chain.addFirst(p);
        }
        for (Path p : chain) {
            // /tmp itself is the private tmpfs (01777), but directories below it, as for a checkout in
            // /tmp/build, must be made like any other, or nobody cannot reach the bound file.
            if (p.startsWith("/usr") || p.equals(Path.of("/tmp")) || p.startsWith("/proc") || p.startsWith("/dev") || !made.add(p)) {
                continue;
            }
            cmd.addAll(List.of("--perms", "0755", "--dir", p.toString()));
        }
    }

    static boolean runningAsRoot() {
        try {
            // The owner of /proc/self is this process's effective uid.
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Builds a {@link Sandbox}: no network, {@link Limits#DEFAULT}, {@code PATH} and {@code HOME=/tmp}. */
    public static final class Builder {
        private Limits limits = Limits.DEFAULT;
        private boolean hostNetwork;
        private final List<Bind> binds = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();

        private Builder() {
            environment.put("PATH", "/usr/local/bin:/usr/bin:/bin");
            environment.put("HOME", "/tmp");
        }

        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Opts in to (or back out of) the host's network; a sandbox has none by default. */
        public Builder hostNetwork(boolean share) {
            this.hostNetwork = share;
            return this;
        }

        /** Makes host paths visible read-only at the same place. */
        public Builder readOnly(Collection<Path> paths) {
            paths.forEach(p -> binds.add(Bind.readOnly(p)));
            return this;
        }

        public Builder readOnly(Path... paths) {
            return readOnly(List.of(paths));
        }

        /** Makes host paths visible writable at the same place (none by default). */
        public Builder writable(Collection<Path> paths) {
            paths.forEach(p -> binds.add(Bind.writable(p)));
            return this;
        }

        public Builder bind(Bind bind) {
            binds.add(Objects.requireNonNull(bind, "bind"));
            return this;
        }

        /** Sets (or, with an existing name, replaces) a variable of the program's environment. */
        public Builder env(String name, String value) {
            environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder env(Map<String, String> variables) {
            variables.forEach(this::env);
            return this;
        }

        public Sandbox build() {
            return new Sandbox(limits, hostNetwork, binds, environment);
        }
    }
}
