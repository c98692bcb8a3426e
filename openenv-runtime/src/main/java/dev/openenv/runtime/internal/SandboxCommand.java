package dev.openenv.runtime.internal;

import dev.openenv.runtime.SandboxPolicy;
import dev.openenv.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link SandboxPolicy} as an {@code openenv-sandbox} {@link Sandbox} (the one bubblewrap policy,
 * shared with the coding environment), plus what only a sandboxed server needs: the relay to its
 * port when it has no network.
 */
public final class SandboxCommand {
    public static final Path SOCAT = Path.of("/usr/bin/socat");
    /** Where the relay's socket appears inside the sandbox. */
    public static final String SOCKET_DIR = "/run/openenv";
    public static final String SOCKET = SOCKET_DIR + "/env.sock";

    private SandboxCommand() {}

    /** What is missing on this machine for {@code policy}, or null when nothing is. */
    public static String missingTools(SandboxPolicy policy) {
        var missing = new ArrayList<String>();
        Sandbox.missingTools().ifPresent(missing::add);
        if (policy.network() == SandboxPolicy.Network.NONE && !Files.isExecutable(SOCAT)) {
            missing.add(SOCAT + " (Debian: apt-get install socat)");
        }
        return missing.isEmpty() ? null : String.join("; ", missing);
    }

    /**
     * The full command: {@code command} in the sandbox with exactly {@code env}. With {@code socketDir}
     * (network NONE), a relay inside the sandbox listens on {@link #SOCKET} and forwards to
     * {@code 127.0.0.1:innerPort}.
     */
    public static List<String> build(SandboxPolicy policy, Path socketDir, int innerPort, Map<String, String> env, List<String> command) {
        var sandbox = Sandbox.builder()
                .limits(new Sandbox.Limits(policy.cpuTime(), policy.memoryBytes(), policy.processes(), policy.fileBytes(),
                        policy.openFiles(), policy.tmpBytes()))
                .hostNetwork(policy.network() == SandboxPolicy.Network.HOST)
                .readOnly(policy.readOnly())
                .writable(policy.writable())
                .env(env);
        if (socketDir != null) {
            sandbox.bind(new Sandbox.Bind(socketDir, Path.of(SOCKET_DIR), true));
        }
        var program = new ArrayList<String>();
        if (socketDir != null) {
            // The relay runs beside the server and dies with the sandbox (PID namespace).
            program.addAll(List.of("/bin/sh", "-c", SOCAT + " UNIX-LISTEN:" + SOCKET + ",fork,mode=600 TCP:127.0.0.1:" + innerPort
                    + " & exec \"$@\"", "sh"));
        }
        program.addAll(command);
        return sandbox.build().command(program);
    }
}
