package dev.openenv.envs.coding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs untrusted code under bubblewrap: a read-only view of {@code /usr} (and the JDK for JShell) only,
 * no network (own network namespace), own PID/IPC/UTS namespaces, a private empty {@code /tmp}, an
 * unprivileged user ({@code nobody}, when the server runs as root), and rlimits on CPU time, address
 * space, processes, file size and open files; the caller enforces a wall-clock timeout.
 *
 * <p>Protects the server and other sessions against: reading or writing host files (the host's
 * filesystem is not mounted; {@code /usr} is read-only), network access, runaway CPU, memory hogs,
 * fork bombs (process limit; all processes die with the PID namespace), and hangs (wall clock). Does
 * not protect against: kernel exploits (same kernel), reading what {@code /usr} holds, CPU contention
 * within the limits, or covert timing channels. Needs {@code bwrap} and {@code prlimit} on the PATH.
 */
final class Sandbox {
    /** Limits of one sandboxed process. */
    record Limits(Duration cpu, long addressSpaceBytes, int processes, long fileBytes, Duration wall) {}

    static final Limits PYTHON = new Limits(Duration.ofSeconds(5), 512L * 1024 * 1024, 32, 16L * 1024 * 1024, Duration.ofSeconds(10));
    static final Limits PYTHON_SESSION = new Limits(Duration.ofSeconds(60), 512L * 1024 * 1024, 32, 16L * 1024 * 1024, Duration.ofSeconds(10));
    /** The JVM reserves far more address space than it uses, so JShell is bounded by -Xmx instead. */
    static final Limits JAVA = new Limits(Duration.ofSeconds(20), 0, 512, 16L * 1024 * 1024, Duration.ofSeconds(40));

    private Sandbox() {}

    /** Whether bubblewrap is installed. */
    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/bwrap")) && Files.isExecutable(Path.of("/usr/bin/prlimit"));
    }

    /** The full command line that runs {@code command} sandboxed with {@code limits}. */
    static List<String> command(Limits limits, List<Path> extraReadOnly, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/bwrap",
                "--ro-bind", "/usr", "/usr",
                "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
                "--proc", "/proc", "--dev", "/dev", "--perms", "01777", "--tmpfs", "/tmp",
                "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--die-with-parent", "--new-session", "--chdir", "/tmp",
                "--setenv", "HOME", "/tmp", "--setenv", "PATH", "/usr/bin:/bin"));
        for (Path p : extraReadOnly) {
            cmd.addAll(List.of("--ro-bind", p.toString(), p.toString()));
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            cmd.addAll(1, List.of("--unshare-user", "--uid", "65534", "--gid", "65534"));
        }
        cmd.add("--");
        if (root) {
            cmd.addAll(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        cmd.addAll(List.of("/usr/bin/prlimit", "--cpu=" + Math.max(1, limits.cpu().toSeconds()),
                "--nproc=" + limits.processes(), "--fsize=" + limits.fileBytes(), "--nofile=64"));
        if (limits.addressSpaceBytes() > 0) {
            cmd.add("--as=" + limits.addressSpaceBytes());
        }
        cmd.add("--");
        cmd.addAll(command);
        return cmd;
    }

    /** Starts a sandboxed process with stdin, stdout and stderr as pipes. */
    static Process start(Limits limits, List<Path> extraReadOnly, List<String> command) throws IOException {
        return new ProcessBuilder(command(limits, extraReadOnly, command)).start();
    }
}
