package dev.openenv.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java snippets, compiled as written into a named module against the published modules on
 * the module path, then run there: this proves the snippets compile, that the module descriptors export
 * what users need (and nothing of the implementation), and that reflection works across module borders.
 */
@Timeout(120)
class ReadmeOnModulePathTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern TYPE_START =
            Pattern.compile("^(public |final |abstract |sealed )*(record|class|interface|enum) (\\w+).*");

    private static Map<String, ModuleReference> published;
    private static List<Path> modulePath;

    @BeforeAll
    static void findModules() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        published = new LinkedHashMap<>();
        modulePath = new ArrayList<>();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            // Test code is not what a user puts on a module path; and once an automatic module (Micrometer) is
            // resolved, every automatic module is: a tests jar would then split dev.openenv.server.
            if (!Files.exists(path) || path.endsWith("test-classes") || path.getFileName().toString().endsWith("-tests.jar")) {
                continue;
            }
            try {
                for (ModuleReference ref : ModuleFinder.of(path).findAll()) {
                    if (!published.containsKey(ref.descriptor().name())) {
                        published.put(ref.descriptor().name(), ref);
                        modulePath.add(path);
                    }
                }
            } catch (FindException notAModule) {
                // not usable on the module path (e.g. no derivable name); the snippets do not need it
            }
        }
    }

    @Test
    void onlyApiPackagesAreExported() {
        assertThat(exportsOf("dev.openenv.core")).containsExactlyInAnyOrder(
                "dev.openenv.core", "dev.openenv.core.json", "dev.openenv.core.mcp", "dev.openenv.core.protocol",
                "dev.openenv.core.rubric", "dev.openenv.core.schema to [dev.openenv.server]");
        assertThat(exportsOf("dev.openenv.server")).containsExactly("dev.openenv.server");
        assertThat(exportsOf("dev.openenv.client")).containsExactly("dev.openenv.client");
        assertThat(exportsOf("dev.openenv.envs")).allMatch(p -> p.startsWith("dev.openenv.envs"))
                .noneMatch(p -> p.contains("internal"));
        for (String module : List.of("dev.openenv.core", "dev.openenv.server", "dev.openenv.client", "dev.openenv.envs")) {
            assertThat(published.get(module).descriptor().isAutomatic()).as(module + " has a module-info").isFalse();
        }
    }

    @Test
    void theReadmeSnippetsCompileAndRunAsANamedModule(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src/readme.quickstart");
        Path pkg = src.resolve("quickstart");
        Files.createDirectories(pkg);
        Files.writeString(src.resolve("module-info.java"), """
                module readme.quickstart {
                    requires dev.openenv.server;
                    requires dev.openenv.client;
                    requires dev.openenv.envs;
                    opens quickstart to dev.openenv.core, tools.jackson.databind;
                }
                """);
        List<String> blocks = javaBlocks(Files.readString(readme()));
        assertThat(blocks).as("java blocks in README.md").hasSizeGreaterThanOrEqualTo(3);
        for (int i = 0; i < blocks.size(); i++) {
            writeSnippet(pkg, i, blocks.get(i));
        }
        Files.writeString(pkg.resolve("Main.java"), """
                package quickstart;

                import dev.openenv.client.EnvClient;
                import dev.openenv.core.*;
                import dev.openenv.envs.echo.*;
                import dev.openenv.server.EnvServer;
                import dev.openenv.server.ServerConfig;

                /** Plays the README's HighLow and the bundled echo on the module path. */
                public final class Main {
                    public static void main(String[] args) {
                        var config = ServerConfig.defaults().withHost("127.0.0.1").withPort(0);
                        try (var server = EnvServer.builder(HighLow::new).config(config).start();
                             var env = EnvClient.connect(server.baseUrl(),
                                     EnvironmentType.of("high-low", Guess.class, Hint.class, BasicState.class))) {
                            env.reset(42);
                            int low = 0, high = 99;
                            StepResult<Hint> r;
                            do {
                                int guess = (low + high) / 2;
                                r = env.step(new Guess(guess));
                                if (r.observation().hint().equals("higher")) low = guess + 1;
                                if (r.observation().hint().equals("lower")) high = guess - 1;
                            } while (!r.done());
                            System.out.println("high-low won in " + env.state().stepCount() + " steps, reward " + r.reward());
                        }
                        try (var server = EnvServer.builder(EchoEnvironment::new).config(config).start();
                             var env = EnvClient.connect(server.baseUrl(),
                                     EnvironmentType.of("echo", EchoAction.class, EchoObservation.class, BasicState.class))) {
                            env.reset();
                            var r = env.step(new EchoAction("Hello"));
                            System.out.println("echo " + r.observation().echoedMessage() + " " + r.reward());
                        }
                        System.out.println("calculator tools " + new Calculator().listTools().size());
                    }
                }
                """);

        Path out = dir.resolve("out");
        var compiler = ToolProvider.getSystemJavaCompiler();
        var diagnostics = new DiagnosticCollector<JavaFileObject>();
        try (var files = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8);
             var sources = Files.walk(src)) {
            var units = files.getJavaFileObjectsFromPaths(sources.filter(p -> p.toString().endsWith(".java")).toList());
            List<String> options = List.of("--release", "21", "-parameters", "-d", out.toString(),
                    "--module-path", joined(modulePath));
            boolean ok = compiler.getTask(null, files, diagnostics, options, null, units).call();
            assertThat(ok).as("README snippets compile on the module path:\n%s", diagnostics.getDiagnostics().stream()
                    .map(Object::toString).collect(Collectors.joining("\n"))).isTrue();
        }

        List<Path> runPath = new ArrayList<>(modulePath);
        runPath.add(out);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process run = new ProcessBuilder(java.toString(), "--module-path", joined(runPath),
                "-m", "readme.quickstart/quickstart.Main").redirectErrorStream(true).start();
        try {
            assertThat(run.waitFor(90, TimeUnit.SECONDS)).as("module-path run finished").isTrue();
            String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(run.exitValue()).as(output).isZero();
            assertThat(output).contains("reward 1.0").contains("echo Hello 0.5").contains("calculator tools 2");
        } finally {
            run.destroyForcibly();
        }
    }

    /** One snippet: its imports, its top-level types as written, its statements in a method. */
    private static void writeSnippet(Path pkg, int index, String block) throws IOException {
        List<String> imports = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<String> statements = new ArrayList<>();
        String publicType = null;
        String[] lines = block.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher type = TYPE_START.matcher(line);
            if (line.startsWith("import ")) {
                imports.add(line);
            } else if (type.matches()) {
                if (line.startsWith("public ")) {
                    publicType = type.group(3);
                }
                types.add(line);
                if (!line.stripTrailing().endsWith("{}")) {
                    while (!lines[++i].startsWith("}")) {
                        types.add(lines[i]);
                    }
                    types.add(lines[i]);
                }
            } else {
                statements.add(line);
            }
        }
        String header = "package quickstart;\n\n" + String.join("\n", imports) + "\n\n";
        // Statement snippets (the client quick start) connect to a server at baseUrl.
        String runner = "final class Snippet" + index + " {\n    static void run(String baseUrl) throws Exception {\n"
                + statements.stream().map(l -> "        " + l).collect(Collectors.joining("\n")) + "\n    }\n}\n";
        if (publicType == null) {
            Files.writeString(pkg.resolve("Snippet" + index + ".java"), header + String.join("\n", types) + "\n\n" + runner);
        } else {
            Files.writeString(pkg.resolve(publicType + ".java"), header + String.join("\n", types) + "\n");
            Files.writeString(pkg.resolve("Snippet" + index + ".java"), header + runner);
        }
    }

    private static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(markdown);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    private static Set<String> exportsOf(String module) {
        return published.get(module).descriptor().exports().stream()
                .map(e -> e.isQualified() ? e.source() + " to " + e.targets().stream().sorted().toList() : e.source())
                .collect(Collectors.toSet());
    }

    private static Path readme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("README.md")) && Files.exists(dir.resolve("openenv-core"))) {
                return dir.resolve("README.md");
            }
        }
        throw new IllegalStateException("README.md of the repository not found above " + Path.of("").toAbsolutePath());
    }

    private static String joined(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
    }
}
