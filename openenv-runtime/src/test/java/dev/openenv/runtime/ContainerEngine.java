package dev.openenv.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The container engine of the tests and the echo image they build on it. No engine is a failure, not
 * a skip, unless {@value #SKIP_PROPERTY}=true says so: a silently skipped test proves nothing.
 */
final class ContainerEngine {
    static final String SKIP_PROPERTY = "openenv.skipContainerTests";
    static final String BASE_IMAGE = "localhost/debian:bookworm";
    static final String ECHO_IMAGE = "localhost/openenv-echo:test";
    /** What jdeps --print-module-deps finds in openenv.jar, plus what Helidon and the JDK's HTTP need at run time. */
    static final String JRE_MODULES = "java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.sql,jdk.management,jdk.unsupported,jdk.zipfs";

    private ContainerEngine() {}

    /** A client for the engine of {@code DOCKER_HOST}; fails (or, with the property, skips) when there is none. */
    static DockerClient connect() {
        boolean skip = Boolean.getBoolean(SKIP_PROPERTY);
        Assumptions.assumeFalse(skip, SKIP_PROPERTY + "=true: container tests skipped on request");
        DockerClient docker = ContainerProvider.dockerFromEnvironment();
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            throw new IllegalStateException("No container engine reachable at DOCKER_HOST=" + System.getenv("DOCKER_HOST")
                    + " (" + e.getMessage() + "). Start one, e.g. `podman system service --time=0 unix:///run/podman/podman.sock &`"
                    + " and `export DOCKER_HOST=unix:///run/podman/podman.sock` (see openenv-runtime/README.md),"
                    + " or pass -D" + SKIP_PROPERTY + "=true to skip the container tests.", e);
        }
        try {
            docker.inspectImageCmd(BASE_IMAGE).exec();
        } catch (NotFoundException e) {
            throw new IllegalStateException("Base image " + BASE_IMAGE + " is missing: run openenv-runtime/scripts/container-base-image.sh"
                    + " (as root; debootstrap + podman import, no registry needed).", e);
        }
        return docker;
    }

    /** Whether a kept JRE was made with exactly {@link #JRE_MODULES}. */
    private static boolean jreHas(Path jre) throws IOException {
        Path modules = jre.resolve("modules-list");
        return Files.isRegularFile(jre.resolve("release")) && Files.isRegularFile(modules)
                && Files.readString(modules).equals(JRE_MODULES);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * Builds {@value #ECHO_IMAGE}: the base image, a jlink'ed JRE and openenv.jar, serving the echo
     * environment on {@code $PORT}. The JRE is kept in target/ between runs; the image is rebuilt.
     */
    static String buildEchoImage(DockerClient docker) throws IOException, InterruptedException {
        Path context = Path.of("target", "echo-image").toAbsolutePath();
        Path jre = context.resolve("jre");
        if (!jreHas(jre)) {
            deleteTree(jre);
            Files.createDirectories(context);
            Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
            Process p = new ProcessBuilder(jlink.toString(), "--add-modules", JRE_MODULES, "--strip-debug", "--no-man-pages",
                    "--no-header-files", "--compress=zip-6", "--output", jre.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("jlink failed: " + out);
            }
            Files.writeString(jre.resolve("modules-list"), JRE_MODULES);
        }
        Files.copy(Echo.cliJar(), context.resolve("openenv.jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(context.resolve("Dockerfile"), String.join("\n", List.of(
                "FROM " + BASE_IMAGE,
                "COPY jre /opt/jre",
                "COPY openenv.jar /opt/openenv/openenv.jar",
                "ENV PORT=8000 HOST=0.0.0.0",
                "EXPOSE 8000",
                "ENTRYPOINT [\"/opt/jre/bin/java\", \"-XX:+UseSerialGC\", \"-XX:TieredStopAtLevel=1\", \"-jar\", \"/opt/openenv/openenv.jar\", \"serve\"]",
                "CMD [\"echo\", \"--no-web\"]", "")));
        long t0 = System.nanoTime();
        docker.buildImageCmd(context.toFile()).withTags(Set.of(ECHO_IMAGE)).withPull(false)
                .start().awaitImageId(5, TimeUnit.MINUTES);
        System.out.printf("built %s in %d ms%n", ECHO_IMAGE, (System.nanoTime() - t0) / 1_000_000);
        return ECHO_IMAGE;
    }
}
