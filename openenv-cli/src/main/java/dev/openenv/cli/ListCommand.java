package dev.openenv.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.openenv.envs.BundledEnvironments;

/** {@code openenv list}: the bundled environments. */
@Parameters(commandDescription = "List the bundled environments.")
final class ListCommand {
    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help.")
    boolean help;

    int call() {
        for (var e : BundledEnvironments.all()) {
            System.out.printf("%-10s %s%s%n", e.name(), e.summary(), e.concurrentSessions() ? "" : " (one session at a time)");
        }
        return 0;
    }
}
