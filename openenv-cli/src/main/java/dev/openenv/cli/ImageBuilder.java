package dev.openenv.cli;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.Port;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Makes the OCI image of an environment with Jib, without a Docker daemon: base image, a jlink'ed JRE
 * ({@code /opt/java}), the dependencies ({@code /app/lib}), the environment's jar ({@code /app/app.jar})
 * and, on JDK 25, an AOT cache trained on a real episode ({@code /app/app.aot}). The image serves on
 * 8000 as uid 65532, and the server reads {@code ENABLE_WEB_INTERFACE}, {@code MAX_CONCURRENT_ENVS},
 * {@code OPENENV_MODE} … from the container's environment as it does anywhere.
 *
 * <p>Layers go from least to most often changed (JRE, released jars, snapshot jars, the app, the AOT
 * cache), so a rebuild after a code change re-sends only the last two.
 */
final class ImageBuilder {
    /** The base image {@code openenv-runtime/scripts/container-base-image.sh} makes: Debian without Java. */
    static final String DEFAULT_BASE = "localhost/debian:bookworm";
    /** Modules of the jlink'ed runtime: what the server and its libraries use (jdeps on openenv.jar). */
    static final String JRE_MODULES = "java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.sql,jdk.management,jdk.unsupported,jdk.zipfs";
    static final int PORT = 8000;
    static final String USER = "65532:65532";

    /** What to build: the app's jars and main class, resolved from a project or given. */
    record App(String name, Path jar, List<Path> libs, String mainClass) {}

    /** Where the image goes. */
    sealed interface Target {
        record Daemon(String reference) implements Target {}
        record Tar(Path file, String reference) implements Target {}
        record Registry(String reference) implements Target {}
    }

    private final ImageOptions options;
    private final Path cache;

    ImageBuilder(ImageOptions options) {
        this.options = options;
        this.cache = Path.of(System.getProperty("user.home"), ".cache", "openenv");
    }

    /** Reads the app from {@code --jar} or from a project directory built with {@code mvn package}. */
    App resolve() throws IOException {
        Path jar;
        Path lib;
        String name;
        if (options.jar != null) {
            jar = Path.of(options.jar).toAbsolutePath();
            lib = options.lib != null ? Path.of(options.lib) : jar.resolveSibling("lib");
            name = jar.getFileName().toString().replaceFirst("(-[0-9][^/]*)?\\.jar$", "");
        } else {
            Path dir = Path.of(options.dirs == null || options.dirs.isEmpty() ? "." : options.dirs.get(0)).toAbsolutePath().normalize();
            Path target = dir.resolve("target");
            if (!Files.isDirectory(target)) {
                throw new IOException(dir + " has no target/: run 'mvn package' there first (or give --jar)");
            }
            try (Stream<Path> jars = Files.list(target)) {
                List<Path> candidates = jars.filter(p -> p.toString().endsWith(".jar") && !p.getFileName().toString().startsWith("original-")
                        && !p.toString().endsWith("-sources.jar") && !p.toString().endsWith("-tests.jar")).sorted().toList();
                if (candidates.size() != 1) {
                    throw new IOException("expected one jar in " + target + ", found " + candidates + ": run 'mvn package' (or give --jar)");
                }
                jar = candidates.get(0);
            }
            lib = options.lib != null ? Path.of(options.lib) : target.resolve("lib");
            name = manifestName(dir).orElse(dir.getFileName().toString());
        }
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no such jar: " + jar);
        }
        List<Path> libs = new ArrayList<>();
        if (Files.isDirectory(lib)) {
            try (Stream<Path> s = Files.list(lib)) {
                libs.addAll(s.filter(p -> p.toString().endsWith(".jar")).sorted().toList());
            }
        }
        String main = options.mainClass;
        if (main == null) {
            try (var jf = new JarFile(jar.toFile())) {
                main = jf.getManifest() == null ? null : jf.getManifest().getMainAttributes().getValue("Main-Class");
            }
            if (main == null) {
                throw new IOException(jar + " names no Main-Class: give --main-class");
            }
        }
        return new App(name, jar, List.copyOf(libs), main);
    }

    private static java.util.Optional<String> manifestName(Path dir) {
        Path manifest = dir.resolve("openenv.yaml");
        if (!Files.isRegularFile(manifest)) {
            return java.util.Optional.empty();
        }
        try {
            var node = tools.jackson.dataformat.yaml.YAMLMapper.builder().build().readTree(Files.readString(manifest));
            String n = node.path("name").asString("");
            return n.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(n);
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** Builds the image of {@code app} and writes it to {@code target}; reports progress on stderr. */
    JibContainer build(App app, Target target) throws Exception {
        long t0 = System.nanoTime();
        Path jre = jre();
        String java = jre != null ? "/opt/java/bin/java" : options.java;
        Path aot = jre != null && options.aot ? ImageAotCache.train(app, jre, cache.resolve("aot")) : null;
        if (options.aot && aot == null) {
            log("no AOT cache in this image (" + (jre == null ? "--jre none" : "training did not write one") + ")");
        }

        JibContainerBuilder b = from(options.baseImage == null ? "docker://" + DEFAULT_BASE : options.baseImage);
        if (jre != null) {
            b.addFileEntriesLayer(directoryLayer("jre", jre, AbsoluteUnixPath.get("/opt/java")));
        }
        var released = FileEntriesLayer.builder().setName("dependencies");
        var snapshots = FileEntriesLayer.builder().setName("snapshot dependencies");
        var classpath = new ArrayList<String>();
        classpath.add("/app/app.jar");
        for (Path lib : app.libs()) {
            String in = "/app/lib/" + lib.getFileName();
            (lib.getFileName().toString().contains("SNAPSHOT") ? snapshots : released).addEntry(lib, AbsoluteUnixPath.get(in), mtime(lib));
            classpath.add(in);
        }
        b.addFileEntriesLayer(released.build()).addFileEntriesLayer(snapshots.build());
        b.addFileEntriesLayer(FileEntriesLayer.builder().setName("application").addEntry(app.jar(), AbsoluteUnixPath.get("/app/app.jar"), mtime(app.jar())).build());
        var entrypoint = new ArrayList<String>(List.of(java));
        if (aot != null) {
            b.addFileEntriesLayer(FileEntriesLayer.builder().setName("aot cache").addEntry(aot, AbsoluteUnixPath.get("/app/app.aot")).build());
            entrypoint.add("-XX:AOTCache=/app/app.aot");
        }
        entrypoint.addAll(List.of("-cp", String.join(":", classpath), app.mainClass()));
        var env = new LinkedHashMap<String, String>();
        env.put("HOST", "0.0.0.0");
        env.put("PORT", String.valueOf(PORT));
        for (String kv : options.env) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--env wants KEY=VALUE, got '" + kv + "'");
            }
            env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        b.setEntrypoint(entrypoint).setEnvironment(env).addExposedPort(Port.tcp(PORT)).setUser(USER)
                .setWorkingDirectory(AbsoluteUnixPath.get("/app")).setCreationTime(Instant.now())
                .addLabel("org.opencontainers.image.title", app.name()).addLabel("dev.openenv.main-class", app.mainClass());

        Path loadFrom = target instanceof Target.Daemon ? Files.createTempFile("openenv-image-", ".tar") : null;
        Containerizer c = switch (target) {
            case Target.Daemon d -> Containerizer.to(TarImage.at(loadFrom).named(d.reference()));
            case Target.Tar t -> Containerizer.to(TarImage.at(t.file()).named(t.reference()));
            case Target.Registry r -> Containerizer.to(RegistryImage.named(r.reference()))
                    .setAllowInsecureRegistries(options.insecure || isLocal(r.reference()));
        };
        c.setToolName("openenv").setToolVersion(Main.VERSION).addEventHandler(LogEvent.class, e -> {
            // (not the warning that a local base image has no digest: it is pinned by its image id)
            if (e.getLevel() == LogEvent.Level.ERROR || e.getLevel() == LogEvent.Level.WARN && !e.getMessage().contains("specific image digest")) {
                log(e.getMessage());
            }
        });
        JibContainer result = b.containerize(c);
        if (loadFrom != null) {
            try {
                load(loadFrom);
            } finally {
                Files.deleteIfExists(loadFrom);
            }
        }
        log(String.format("built %s (%s) in %.1f s", result.getTargetImage(), result.getImageId(), (System.nanoTime() - t0) / 1e9));
        return result;
    }

    /**
     * The base image. A local engine's image ({@code docker://REF}) is saved to a tar once per image id
     * and read from there: Jib's own engine client parses {@code docker inspect} output that podman's
     * CLI does not produce.
     */
    private JibContainerBuilder from(String base) throws IOException, InterruptedException, InvalidImageReferenceException {
        if (base.startsWith("docker://")) {
            String ref = base.substring("docker://".length());
            String engine = dockerExecutable().toString();
            String id = output(List.of(engine, "image", "inspect", "--format", "{{.Id}}", ref), Duration.ofMinutes(1)).strip();
            Path tar = cache.resolve("base").resolve(id.replace("sha256:", "") + ".tar");
            if (!Files.isRegularFile(tar)) {
                Files.createDirectories(tar.getParent());
                Path tmp = Files.createTempFile(tar.getParent(), "save-", ".tar");
                Files.delete(tmp);
                log("saving the base image " + ref + " (once per image id; kept in " + tar.getParent() + ")");
                output(List.of(engine, "save", "-o", tmp.toString(), ref), Duration.ofMinutes(5));
                Files.move(tmp, tar, StandardCopyOption.ATOMIC_MOVE);
            }
            return Jib.from(TarImage.at(tar).named(ref));
        }
        if (base.equals("scratch")) {
            return Jib.fromScratch();   // nothing but our layers: give --jre, and know that there is no shell or libc
        }
        if (base.startsWith("tar://")) {
            return Jib.from(TarImage.at(Path.of(base.substring("tar://".length()))));
        }
        return Jib.from(RegistryImage.named(ImageReference.parse(base)));
    }

    /** Loads an image tar into the local engine ({@code docker load} / {@code podman load}). */
    static void load(Path tar) throws IOException, InterruptedException {
        output(List.of(dockerExecutable().toString(), "load", "-i", tar.toString()), Duration.ofMinutes(5));
    }

    static boolean isLocal(String reference) {
        return reference.startsWith("localhost") || reference.startsWith("127.0.0.1") || reference.startsWith("[::1]");
    }

    /**
     * The engine CLI Jib runs for {@code docker://} images ({@code save}, {@code load}, {@code inspect}):
     * {@code docker} when a Docker engine answers ({@code DOCKER_HOST} or its socket), else {@code podman},
     * whose CLI speaks the same commands without a daemon.
     */
    static Path dockerExecutable() {
        boolean dockerEngine = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
        List<String> order = dockerEngine ? List.of("docker", "podman") : List.of("podman", "docker");
        for (String name : order) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return Path.of("docker");
    }

    static Instant mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A directory as a layer, keeping executable bits (Jib would make every file 644). */
    private static FileEntriesLayer directoryLayer(String name, Path dir, AbsoluteUnixPath at) throws IOException {
        return FileEntriesLayer.builder().setName(name).addEntryRecursive(dir, at,
                (src, dest) -> Files.isDirectory(src) || Files.isExecutable(src) ? FilePermissions.fromOctalString("755") : FilePermissions.fromOctalString("644"),
                (src, dest) -> mtime(src)).build();
    }

    /** The JRE to put in the image: none, a given directory, or one jlink'ed from this JDK and kept in the cache. */
    Path jre() throws IOException, InterruptedException {
        if (options.jre.equals("none")) {
            return null;
        }
        if (!options.jre.equals("auto")) {
            Path given = Path.of(options.jre);
            if (!Files.isExecutable(given.resolve("bin/java"))) {
                throw new IOException(given + " is not a JRE (no bin/java)");
            }
            return given;
        }
        Path jre = cache.resolve("jre").resolve(Runtime.version() + "-" + hash(JRE_MODULES));
        if (Files.isExecutable(jre.resolve("bin/java"))) {
            return jre;
        }
        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        if (!Files.isExecutable(jlink)) {
            throw new IOException("no jlink in " + System.getProperty("java.home") + ": run openenv on a JDK, or give --jre DIR / --jre none");
        }
        Files.createDirectories(jre.getParent());
        Path tmp = Files.createTempDirectory(jre.getParent(), "jlink-");
        Files.delete(tmp);
        log("jlink " + JRE_MODULES + " (once; kept in " + jre + ")");
        output(List.of(jlink.toString(), "--add-modules", JRE_MODULES, "--strip-debug", "--no-man-pages", "--no-header-files",
                "--compress=zip-6", "--output", tmp.toString()), Duration.ofMinutes(5));
        Files.move(tmp, jre, StandardCopyOption.ATOMIC_MOVE);
        return jre;
    }

    private static String output(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }

    static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes())).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void log(String message) {
        System.err.println("openenv: " + message);
    }
}
