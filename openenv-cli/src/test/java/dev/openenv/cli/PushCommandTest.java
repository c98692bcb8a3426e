package dev.openenv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code openenv push} to a real OCI registry: Debian's {@code docker-registry} (installed by .ci/run),
 * started here on 127.0.0.1 with a free port and plain HTTP, which localhost is allowed.
 */
@Timeout(120)
class PushCommandTest {
    static final Path REGISTRY = Path.of("/usr/bin/docker-registry");

    @RegisterExtension
    final CliOutput cli = new CliOutput();

    Process registry;

    @AfterEach
    void stopRegistry() throws InterruptedException {
        if (registry != null) {
            registry.destroy();
            registry.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void pushWritesTheImageToARegistryOverPlainHttpOnLocalhost(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(REGISTRY), "docker-registry is not installed (apt-get install docker-registry)");
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = tmp.resolve("registry.yml");
        Files.writeString(config, "version: 0.1\nlog: {level: warn}\nstorage: {filesystem: {rootdirectory: " + tmp.resolve("data")
                + "}}\nhttp: {addr: 127.0.0.1:" + port + "}\n");
        registry = new ProcessBuilder(REGISTRY.toString(), "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("registry.log").toFile()).start();
        var http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/v2/")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (java.io.IOException notYet) {
                assertThat(System.nanoTime()).as("registry up within 30 s").isLessThan(deadline);
            }
            Thread.sleep(50);
        }

        Path jar = tmp.resolve("app/guess-0.1.0.jar");
        Files.createDirectories(jar.getParent());
        var manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.acme.Main");
        try (var out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.closeEntry();
        }
        Path java = Files.createDirectories(tmp.resolve("jre/bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

        String reference = "localhost:" + port + "/guess:1";
        int code = Main.run("push", "--jar", jar.toString(), "--base-image", "scratch", "--jre", tmp.resolve("jre").toString(),
                "--aot", "false", "--registry", reference);
        assertThat(code).as(cli.err()).isZero();
        assertThat(cli.out()).startsWith(reference + "@sha256:");

        var tags = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/guess/tags/list")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tags.body()).contains("\"1\"");
        var image = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/guess/manifests/1"))
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.body()).contains("\"layers\"");
    }
}
