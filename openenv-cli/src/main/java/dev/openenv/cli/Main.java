package dev.openenv.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code openenv} command. */
@Command(name = "openenv", mixinStandardHelpOptions = true, version = "openenv 0.1.0",
        description = "Serve and inspect OpenEnv environments on the JVM.",
        subcommands = {ServeCommand.class, ListCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
