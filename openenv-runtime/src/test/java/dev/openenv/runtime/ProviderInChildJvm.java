package dev.openenv.runtime;

import java.nio.file.Path;

/**
 * Run in a child JVM by the tests: starts the echo jar with a {@link ProcessProvider} and prints
 * {@code PID <server pid>}, then either exits without closing it ({@code exit}: the shutdown hook must
 * stop it) or waits to be killed ({@code hang}: the kernel must stop it).
 */
public final class ProviderInChildJvm {
    public static void main(String[] args) throws Exception {
        var started = ProcessProvider.forOpenEnvJar(Path.of(args[0]), "echo").build().start();
        long pid = ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().orElse("").contains(args[0]))
                .findFirst().orElseThrow().pid();
        System.out.println("PID " + pid + " " + started.baseUrl());
        System.out.flush();
        if (args[1].equals("exit")) {
            System.exit(0);
        }
        Thread.sleep(120_000);
    }
}
