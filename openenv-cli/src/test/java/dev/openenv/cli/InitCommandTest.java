package dev.openenv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.Action;
import dev.openenv.core.Environment;
import dev.openenv.core.State;
import dev.openenv.server.EnvServer;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code openenv init}: the project it writes is complete, passes our static checks, and its
 * environment compiles against this checkout and passes the runtime checks when served. (The
 * generated project's own {@code mvn verify} runs in scripts/ship-e2e.sh.)
 */
@Timeout(120)
class InitCommandTest {
    @RegisterExtension
    final CliOutput cli = new CliOutput();

    @Test
    void initWritesAMavenProjectWithManifestReadmeDockerfileAndPythonClient(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("number_guess");
        assertThat(Main.run("init", "number_guess", "--dir", dir.toString())).as(cli.err()).isZero();
        Path pkg = dir.resolve("src/main/java/com/example/numberguess");
        assertThat(pkg.resolve("NumberGuessEnvironment.java")).exists();
        assertThat(pkg.resolve("NumberGuessAction.java")).content().contains("record NumberGuessAction(int guess) implements Action");
        assertThat(pkg.resolve("Main.java")).content().contains("EnvServer.serve(NumberGuessEnvironment::new)");
        assertThat(dir.resolve("src/test/java/com/example/numberguess/NumberGuessEnvironmentTest.java")).content()
                .contains("withPort(0)").contains("EnvClient.connect");
        assertThat(dir.resolve("pom.xml")).content().contains("<openenv.version>0.1.0-SNAPSHOT</openenv.version>")
                .contains("<artifactId>number_guess</artifactId>").doesNotContain("__");
        assertThat(dir.resolve("openenv.yaml")).content().contains("name: number_guess").contains("validation:").contains("floor_margin");
        assertThat(dir.resolve("README.md")).content().startsWith("---\n").contains("sdk: docker").contains("app_port: 8000")
                .contains("base_path: /web").contains("  - openenv");
        assertThat(dir.resolve("Dockerfile")).content().contains("ARG BASE_IMAGE=").contains("FROM ${BASE_IMAGE}").contains("USER 65532");
        assertThat(dir.resolve("client.py")).content().contains("class NumberGuessEnv(EnvClient");
        assertThat(dir.resolve("__init__.py")).content().contains("from .client import");
        assertThat(dir.resolve("pyproject.toml")).content().contains("packages = [\"number_guess\"]");
        assertThat(dir.resolve(".gitignore")).content().contains("target/");
        try (var files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.toString()).filter(p -> {
                try {
                    return Files.readString(Path.of(p)).matches("(?s).*__[A-Z_]+__.*");
                } catch (Exception e) {
                    return true;
                }
            })).as("files with a placeholder left").isEmpty();
        }
        cli.reset();
        assertThat(Main.run("validate", dir.toString())).as(cli.out()).isZero();
        assertThat(cli.out()).doesNotContain("FAIL").doesNotContain("WARN");
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void theGeneratedEnvironmentCompilesAndPassesTheRuntimeChecks(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("demo");
        assertThat(Main.run("init", "demo", "--dir", dir.toString(), "--group", "org.acme")).isZero();
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"), "--release", "21", "-parameters"));
        try (var sources = Files.walk(dir.resolve("src/main/java"))) {
            sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new))).isZero();
        try (var loader = new URLClassLoader(new java.net.URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> type = loader.loadClass("org.acme.demo.DemoEnvironment");
            Supplier<Environment> factory = () -> {
                try {
                    return (Environment) type.getConstructor().newInstance();
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            };
            try (var server = EnvServer.<Action, Object, State>builder((Supplier) factory)
                    .types((dev.openenv.core.EnvironmentType) dev.openenv.core.EnvironmentType.fromClass(type))
                    .config(dev.openenv.server.ServerConfig.defaults().withHost("127.0.0.1").withPort(0)).start()) {
                cli.reset();
                assertThat(Main.run("validate", "--url", server.baseUrl())).as(cli.out()).isZero();
                assertThat(cli.out()).contains("name: demo").contains("limit 1 sessions");
            }
        }
    }

    @Test
    void initRefusesBadNamesAndNonEmptyDirectories(@TempDir Path tmp) throws Exception {
        assertThat(Main.run("init")).isEqualTo(2);
        assertThat(Main.run("init", "Bad Name")).isEqualTo(2);
        assertThat(cli.err()).contains("not a valid environment name");
        assertThat(Main.run("init", "ok", "--group", "Not.A.Package")).isEqualTo(2);
        Files.writeString(tmp.resolve("taken.txt"), "x");
        assertThat(Main.run("init", "ok", "--dir", tmp.toString())).isEqualTo(2);
        assertThat(cli.err()).contains("is not empty");
    }
}
