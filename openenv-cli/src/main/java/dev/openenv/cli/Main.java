package dev.openenv.cli;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;

/**
 * The {@code openenv} command: {@code openenv serve NAME [options]}, {@code openenv list}. One class per
 * subcommand; exit codes: 0 done, 2 bad usage or unknown environment.
 *
 * <p>Parsing is JCommander's. We moved from picocli because its Java 5 class files cannot go into the
 * JVM's AOT cache and need the old bytecode verifier: about 190 ms of every {@code openenv serve}
 * start, 40 % of the cold-start budget (BENCHMARKS.md).
 */
public final class Main {
    static final String VERSION = "openenv 0.1.0";

    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help.")
    boolean help;

    @Parameter(names = {"-V", "--version"}, description = "Print the version.")
    boolean version;

    public static void main(String[] args) throws InterruptedException {
        int code = run(args);
        if (code != ServeCommand.SERVING) {
            System.exit(code);
        }
        new java.util.concurrent.CountDownLatch(1).await(); // serving until SIGINT/SIGTERM runs the shutdown hook
    }

    /** Runs the command line; returns the exit code, or {@link ServeCommand#SERVING} once a server is up. */
    static int run(String... args) {
        var main = new Main();
        var serve = new ServeCommand();
        var list = new ListCommand();
        JCommander jc = JCommander.newBuilder().programName("openenv").addObject(main)
                .addCommand("serve", serve).addCommand("list", list).build();
        try {
            jc.parse(args);
        } catch (ParameterException e) {
            System.err.println("openenv: " + e.getMessage());
            System.err.println("Try 'openenv --help'.");
            return 2;
        }
        if (main.version) {
            System.out.println(VERSION);
            return 0;
        }
        String command = jc.getParsedCommand();
        if (main.help || command == null) {
            jc.usage();
            return main.help ? 0 : 2;
        }
        if (command.equals("serve") && serve.help || command.equals("list") && list.help) {
            jc.getUsageFormatter().usage(command);
            return 0;
        }
        return command.equals("serve") ? serve.call() : list.call();
    }
}
