package dev.openenv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code openenv build --to-tar}: the image Jib writes, read back from the tar without any engine.
 * (Running it, pushing it and pulling it back run in scripts/ship-e2e.sh, which needs podman.)
 */
@Timeout(120)
class BuildCommandTest {
    @RegisterExtension
    final CliOutput cli = new CliOutput();

    @Test
    void theImageServesOnPort8000AsNonRootWithTheJreExecutableAndTheAppOnTheClasspath(@TempDir Path tmp) throws Exception {
        Path jar = tmp.resolve("app/guess-0.1.0.jar");
        Files.createDirectories(jar.getParent().resolve("lib"));
        var manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.acme.Main");
        try (var out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.closeEntry();
        }
        Files.writeString(jar.resolveSibling("lib/dep-1.0.jar"), "not really a jar");
        Path jre = Files.createDirectories(tmp.resolve("jre/bin"));
        Files.writeString(jre.resolve("java"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(jre.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tar = tmp.resolve("image.tar");

        int code = Main.run("build", "--jar", jar.toString(), "--base-image", "scratch", "--jre", jre.getParent().toString(),
                "--aot", "false", "--env", "ENABLE_WEB_INTERFACE=true", "--to-tar", tar.toString(), "--tag", "localhost/guess:test");
        assertThat(code).as(cli.err()).isZero();

        Map<String, byte[]> files = untar(Files.newInputStream(tar));
        JsonNode manifestJson = JsonMapper.builder().build().readTree(files.get("manifest.json")).get(0);
        assertThat(manifestJson.path("RepoTags").get(0).asString()).isEqualTo("localhost/guess:test");
        JsonNode config = JsonMapper.builder().build().readTree(files.get(manifestJson.path("Config").asString())).path("config");
        assertThat(config.path("User").asString()).isEqualTo("65532:65532");
        assertThat(config.path("ExposedPorts").has("8000/tcp")).isTrue();
        assertThat(config.path("Env").toString()).contains("PORT=8000").contains("HOST=0.0.0.0").contains("ENABLE_WEB_INTERFACE=true");
        assertThat(config.path("Entrypoint").toString())
                .isEqualTo("[\"/opt/java/bin/java\",\"-cp\",\"/app/app.jar:/app/lib/dep-1.0.jar\",\"org.acme.Main\"]");
        // The JRE layer keeps java executable (Jib's default would make every file 644).
        boolean executableJava = false;
        for (JsonNode layer : manifestJson.path("Layers")) {
            var entries = untarModes(new GZIPInputStream(new java.io.ByteArrayInputStream(files.get(layer.asString()))));
            if (entries.containsKey("opt/java/bin/java")) {
                executableJava = (entries.get("opt/java/bin/java") & 0111) == 0111;
            }
        }
        assertThat(executableJava).isTrue();
    }

    @Test
    void withoutABuiltProjectTheBuildSaysWhatToRun(@TempDir Path tmp) {
        assertThat(Main.run("build", tmp.toString(), "--to-tar", tmp.resolve("x.tar").toString())).isEqualTo(1);
        assertThat(cli.err()).contains("mvn package");
        assertThat(Main.run("build", "--to-tar", "a.tar", "--to-daemon")).isEqualTo(2);
        assertThat(Main.run("push", tmp.toString())).isEqualTo(2);
        assertThat(cli.err()).contains("--registry");
    }

    /** The files of a tar (ustar, as Jib writes it): name to content. */
    static Map<String, byte[]> untar(InputStream in) throws Exception {
        var files = new HashMap<String, byte[]>();
        walk(in, (name, mode, content) -> files.put(name, content));
        return files;
    }

    static Map<String, Integer> untarModes(InputStream in) throws Exception {
        var modes = new HashMap<String, Integer>();
        walk(in, (name, mode, content) -> modes.put(name, mode));
        return modes;
    }

    interface Entry {
        void accept(String name, int mode, byte[] content);
    }

    private static void walk(InputStream in, Entry entry) throws Exception {
        byte[] all = in.readAllBytes();
        int pos = 0;
        String longName = null;
        while (pos + 512 <= all.length && all[pos] != 0) {
            String name = field(all, pos, 100);
            String prefix = field(all, pos + 345, 155);
            int mode = Integer.parseInt(field(all, pos + 100, 8).strip().isEmpty() ? "0" : field(all, pos + 100, 8).strip(), 8);
            long size = Long.parseLong(field(all, pos + 124, 12).strip(), 8);
            char type = (char) all[pos + 156];
            byte[] content = java.util.Arrays.copyOfRange(all, pos + 512, (int) (pos + 512 + size));
            if (type == 'L') {
                longName = new String(content).replace("\0", "");
            } else {
                String full = longName != null ? longName : prefix.isEmpty() ? name : prefix + "/" + name;
                longName = null;
                entry.accept(full.startsWith("./") ? full.substring(2) : full, mode, content);
            }
            pos += 512 + (int) ((size + 511) / 512 * 512);
        }
    }

    private static String field(byte[] b, int offset, int length) {
        var s = new ByteArrayOutputStream();
        for (int i = offset; i < offset + length && b[i] != 0; i++) {
            s.write(b[i]);
        }
        return s.toString();
    }
}
