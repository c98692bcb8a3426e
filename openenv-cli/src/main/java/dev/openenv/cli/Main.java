package dev.openenv.cli;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;

/**
 * The {@code openenv} command: {@code serve NAME}, {@code list}, {@code init NAME}, {@code build [DIR]},
 * {@code push [DIR] --registry REF}, {@code validate [DIR | --url URL]}, {@code collect ENV}. One class per subcommand; exit
 * codes: 0 done, 1 failed (a build, a validation), 2 bad usage or unknown environment.
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

    /** The subcommands, by name, in the order the usage lists them. */
    private static final java.util.List<String> COMMANDS = java.util.List.of("serve", "list", "init", "build", "push", "validate", "collect");

    private static Object newCommand(String name) {
        return switch (name) {
            case "serve" -> new ServeCommand();
            case "list" -> new ListCommand();
            case "init" -> new InitCommand();
            case "build" -> new BuildCommand();
            case "push" -> new PushCommand();
            case "validate" -> new ValidateCommand();
            case "collect" -> new CollectCommand();
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** Runs the command line; returns the exit code, or {@link ServeCommand#SERVING} once a server is up. */
    static int run(String... args) {
        var main = new Main();
        // A command line that starts with a command's name needs only that command: JCommander reads every
        // registered command's annotations up front, ~5 % of an `openenv serve` cold start for the others.
        var builder = JCommander.newBuilder().programName("openenv").addObject(main);
        if (args.length > 0 && COMMANDS.contains(args[0])) {
            builder.addCommand(args[0], newCommand(args[0]));
        } else {
            COMMANDS.forEach(name -> builder.addCommand(name, newCommand(name)));
        }
        JCommander jc = builder.build();
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
        Object parsed = jc.getCommands().get(command).getObjects().getFirst();
        boolean help = switch (parsed) {
            case ServeCommand c -> c.help;
            case ListCommand c -> c.help;
            case InitCommand c -> c.help;
            case BuildCommand c -> c.image.help;
            case PushCommand c -> c.image.help;
            case CollectCommand c -> c.help;
            case ValidateCommand c -> c.help;
            default -> throw new IllegalStateException("unknown command " + command);
        };
        if (help) {
            jc.getUsageFormatter().usage(command);
            return 0;
        }
        return switch (parsed) {
            case ServeCommand c -> c.call();
            case ListCommand c -> c.call();
            case InitCommand c -> c.call();
            case BuildCommand c -> c.call();
            case PushCommand c -> c.call();
            case CollectCommand c -> c.call();
            case ValidateCommand c -> c.call();
            default -> throw new IllegalStateException("unknown command " + command);
        };
    }
}
