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

    /** Runs the command line; returns the exit code, or {@link ServeCommand#SERVING} once a server is up. */
    static int run(String... args) {
        var main = new Main();
        var serve = new ServeCommand();
        var list = new ListCommand();
        var init = new InitCommand();
        var build = new BuildCommand();
        var push = new PushCommand();
        var validate = new ValidateCommand();
        var collect = new CollectCommand();
        JCommander jc = JCommander.newBuilder().programName("openenv").addObject(main)
                .addCommand("serve", serve).addCommand("list", list).addCommand("init", init).addCommand("build", build)
                .addCommand("push", push).addCommand("validate", validate).addCommand("collect", collect).build();
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
        boolean help = switch (command) {
            case "serve" -> serve.help;
            case "list" -> list.help;
            case "init" -> init.help;
            case "build" -> build.image.help;
            case "push" -> push.image.help;
            case "collect" -> collect.help;
            default -> validate.help;
        };
        if (help) {
            jc.getUsageFormatter().usage(command);
            return 0;
        }
        return switch (command) {
            case "serve" -> serve.call();
            case "list" -> list.call();
            case "init" -> init.call();
            case "build" -> build.call();
            case "push" -> push.call();
            case "collect" -> collect.call();
            default -> validate.call();
        };
    }
}
