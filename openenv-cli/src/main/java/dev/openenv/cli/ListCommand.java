package dev.openenv.cli;

import dev.openenv.envs.BundledEnvironments;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code openenv list}: the bundled environments. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the bundled environments.")
final class ListCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        for (var e : BundledEnvironments.all()) {
            System.out.printf("%-10s %s%s%n", e.name(), e.summary(), e.concurrentSessions() ? "" : " (one session at a time)");
        }
        return 0;
    }
}
