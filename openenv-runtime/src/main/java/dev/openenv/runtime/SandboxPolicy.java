package dev.openenv.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link SandboxProvider}'s server may do. Limits are per process (rlimits), except
 * {@code processes}, which counts all processes and threads of the sandbox's user (see
 * {@link SandboxProvider} for which user that is). A limit of 0 means none, except for {@code /tmp},
 * which always has a size. The isolation itself is {@code openenv-sandbox}'s one policy.
 *
 * @param network     {@link Network#NONE}: own network namespace, reachable only through the
 *                    provider's port bridge; {@link Network#HOST}: the host's network, all of it
 * @param cpuTime     CPU time a process may use in its whole life (SIGXCPU, then SIGKILL); 0 for none
 * @param memoryBytes address space of a process ({@code RLIMIT_AS}); a JVM needs {@code -Xmx} and
 *                    smaller reserved areas to fit (see {@link SandboxProvider#forOpenEnvJar})
 * @param processes   processes and threads ({@code RLIMIT_NPROC})
 * @param fileBytes   largest file a process may write ({@code RLIMIT_FSIZE})
 * @param openFiles   open file descriptors of a process ({@code RLIMIT_NOFILE})
 * @param tmpBytes    size of the private, memory-backed {@code /tmp}; must be positive
 * @param readOnly    host paths visible read-only at the same place (besides {@code /usr})
 * @param writable    host paths visible writable at the same place (none by default)
 */
public record SandboxPolicy(Network network, Duration cpuTime, long memoryBytes, int processes, long fileBytes,
        int openFiles, long tmpBytes, List<Path> readOnly, List<Path> writable) {

    /** The sandbox's network. */
    public enum Network {
        /** An own network namespace with only loopback: no connection in or out but the provider's bridge. */
        NONE,
        /** The host's network namespace: the server can reach (and be reached from) everything the host can. */
        HOST
    }

    public SandboxPolicy {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(cpuTime, "cpuTime");
        if (memoryBytes < 0 || processes < 0 || fileBytes < 0 || openFiles < 0 || tmpBytes < 0 || cpuTime.isNegative()) {
            throw new IllegalArgumentException("limits must not be negative");
        }
        if (tmpBytes == 0) {
            throw new IllegalArgumentException("/tmp must have a positive size (a tmpfs without one may take half the host's memory)");
        }
        readOnly = readOnly.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        writable = writable.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /**
     * No network, no CPU-time limit (a server lives long), 2 GiB address space per process, 256
     * processes and threads, 64 MiB files, 1024 open files, a 256 MiB {@code /tmp}.
     */
    public static SandboxPolicy defaults() {
        return new SandboxPolicy(Network.NONE, Duration.ZERO, 2L << 30, 256, 64L << 20, 1024, 256L << 20, List.of(), List.of());
    }

    public SandboxPolicy withNetwork(Network network) {
        return new SandboxPolicy(network, cpuTime, memoryBytes, processes, fileBytes, openFiles, tmpBytes, readOnly, writable);
    }

    public SandboxPolicy withCpuTime(Duration cpuTime) {
        return new SandboxPolicy(network, cpuTime, memoryBytes, processes, fileBytes, openFiles, tmpBytes, readOnly, writable);
    }

    public SandboxPolicy withMemoryBytes(long memoryBytes) {
        return new SandboxPolicy(network, cpuTime, memoryBytes, processes, fileBytes, openFiles, tmpBytes, readOnly, writable);
    }

    public SandboxPolicy withProcesses(int processes) {
        return new SandboxPolicy(network, cpuTime, memoryBytes, processes, fileBytes, openFiles, tmpBytes, readOnly, writable);
    }

    public SandboxPolicy withFileBytes(long fileBytes) {
        return new SandboxPolicy(network, cpuTime, memoryBytes, processes, fileBytes, openFiles, tmpBytes, readOnly, writable);
    }

    public SandboxPolicy withOpenFiles(int openFiles) {
        return new SandboxPolicy(network, cpuTime, memoryBytes, processes, fileBytes, openFiles, tmpBytes, readOnly, writable);
    }

    public SandboxPolicy withTmpBytes(long tmpBytes) {
        return new SandboxPolicy(network, cpuTime, memoryBytes, processes, fileBytes, openFiles, tmpBytes, readOnly, writable);
    }

    /** This policy with {@code paths} added to the read-only ones. */
    public SandboxPolicy withReadOnly(Path... paths) {
        var all = new java.util.ArrayList<>(readOnly);
        all.addAll(List.of(paths));
        return new SandboxPolicy(network, cpuTime, memoryBytes, processes, fileBytes, openFiles, tmpBytes, all, writable);
    }

    /** This policy with {@code paths} added to the writable ones. */
    public SandboxPolicy withWritable(Path... paths) {
        var all = new java.util.ArrayList<>(writable);
        all.addAll(List.of(paths));
        return new SandboxPolicy(network, cpuTime, memoryBytes, processes, fileBytes, openFiles, tmpBytes, readOnly, all);
    }
}
