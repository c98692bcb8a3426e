package dev.openenv.runtime.internal;

import dev.openenv.runtime.SandboxPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bubblewrap command line of a sandbox (adapted from the coding environment's sandbox): an empty
 * read-only root with {@code /usr} and the policy's paths bound read-only, a private {@code /tmp},
 * own PID, IPC, UTS and (unless {@code HOST}) network namespaces, no capabilities, user
 * {@code nobody}, and rlimits.
 */
public final class SandboxCommand {
    public static final Path BWRAP = Path.of("/usr/bin/bwrap");
    public static final Path PRLIMIT = Path.of("/usr/bin/prlimit");
    public static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    public static final Path SOCAT = Path.of("/usr/bin/socat");
    /** Where the relay's socket appears inside the sandbox. */
    public static final String SOCKET_DIR = "/run/openenv";
    public static final String SOCKET = SOCKET_DIR + "/env.sock";
    static final int NOBODY = 65534;

    private SandboxCommand() {}

    /** What is missing on this machine for {@code policy}, or null when nothing is. */
    public static String missingTools(SandboxPolicy policy) {
        var needed = new ArrayList<>(List.of(BWRAP, PRLIMIT));
        if (isRoot()) {
            needed.add(SETPRIV);
        }
        if (policy.network() == SandboxPolicy.Network.NONE) {
            needed.add(SOCAT);
        }
        var missing = needed.stream().filter(p -> !Files.isExecutable(p)).map(Path::toString).toList();
        return missing.isEmpty() ? null : String.join(", ", missing)
                + " (Debian: apt-get install bubblewrap util-linux" + (missing.contains(SOCAT.toString()) ? " socat" : "") + ")";
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** bwrap would make a bind's missing parents 0700 root: make them traversable for nobody first. */
    private static void parents(Path path, java.util.Set<Path> made, List<String> cmd) {
        var chain = new ArrayList<Path>();
        for (Path p = path.getParent(); p != null && p.getParent() != null; p = p.getParent()) {
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

    /**
     * The full command: {@code command} in the sandbox. With {@code socketDir} (network NONE), a
     * relay inside the sandbox listens on {@link #SOCKET} and forwards to {@code 127.0.0.1:innerPort}.
     */
    public static List<String> build(SandboxPolicy policy, Path socketDir, int innerPort, Map<String, String> env, List<String> command) {
        boolean root = isRoot();
        var cmd = new ArrayList<String>(List.of(BWRAP.toString()));
        if (!root) {
            // Unprivileged: a user namespace maps us to nobody inside.
            cmd.addAll(List.of("--unshare-user", "--uid", Integer.toString(NOBODY), "--gid", Integer.toString(NOBODY)));
        }
        cmd.addAll(List.of("--tmpfs", "/",
                "--ro-bind", "/usr", "/usr",
                "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
                "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
                "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
                "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
                "--ro-bind-try", "/etc/localtime", "/etc/localtime",
                "--proc", "/proc", "--dev", "/dev",
                "--perms", "01777"));
        if (policy.tmpBytes() > 0) {
            cmd.addAll(List.of("--size", Long.toString(policy.tmpBytes())));
        }
        cmd.addAll(List.of("--tmpfs", "/tmp"));
        if (socketDir != null) {
            cmd.addAll(List.of("--perms", "0755", "--dir", "/run", "--bind", socketDir.toString(), SOCKET_DIR));
        }
        var made = new java.util.HashSet<Path>();
        for (Path p : policy.readOnly()) {
            parents(p, made, cmd);
            cmd.addAll(List.of("--ro-bind", p.toString(), p.toString()));
        }
        for (Path p : policy.writable()) {
            parents(p, made, cmd);
            cmd.addAll(List.of("--bind", p.toString(), p.toString()));
        }
        cmd.addAll(List.of("--remount-ro", "/",
                "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                "--hostname", "openenv-sandbox",
                "--die-with-parent", "--new-session", "--chdir", "/tmp"));
        // Capabilities: none in the user namespace when unprivileged; as root, setpriv below drops
        // them all, bounding set included (bwrap must keep CAP_SETUID for it until then).
        if (policy.network() == SandboxPolicy.Network.NONE) {
            cmd.add("--unshare-net");
        }
        env.forEach((k, v) -> cmd.addAll(List.of("--setenv", k, v)));
        cmd.add("--");
        if (root) {
            cmd.addAll(List.of(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all"));
        }
        cmd.add(PRLIMIT.toString());
        if (policy.processes() > 0) {
            cmd.add("--nproc=" + policy.processes());
        }
        if (policy.openFiles() > 0) {
            cmd.add("--nofile=" + policy.openFiles());
        }
        if (policy.fileBytes() > 0) {
            cmd.add("--fsize=" + policy.fileBytes());
        }
        if (policy.memoryBytes() > 0) {
            cmd.add("--as=" + policy.memoryBytes());
        }
        if (!policy.cpuTime().isZero()) {
            cmd.add("--cpu=" + Math.max(1, policy.cpuTime().toSeconds()));
        }
        cmd.add("--");
        if (socketDir != null) {
            // The relay runs beside the server and dies with the sandbox (PID namespace).
            cmd.addAll(List.of("/bin/sh", "-c", SOCAT + " UNIX-LISTEN:" + SOCKET + ",fork,mode=600 TCP:127.0.0.1:" + innerPort
                    + " & exec \"$@\"", "sh"));
        }
        cmd.addAll(command);
        return cmd;
    }
}
