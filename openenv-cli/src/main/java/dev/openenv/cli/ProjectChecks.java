package dev.openenv.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The static half of {@code openenv validate DIR}: the manifest and the layout of an environment
 * project, read without building or running anything. The manifest rules are upstream 0.10's
 * ({@code openenv.yaml} with a {@code validation:} block as its normalized-manifest schema requires);
 * the layout rules are this project's (a Java build and an environment class) plus what upstream's
 * {@code openenv push} wants (a Dockerfile, a README with Space front matter, a Python client package).
 */
final class ProjectChecks {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");

    private ProjectChecks() {}

    static List<Criterion> run(Path dir) {
        var out = new ArrayList<Criterion>();
        manifest(dir, out);
        layout(dir, out);
        return out;
    }

    private static void manifest(Path dir, List<Criterion> out) {
        Path file = dir.resolve("openenv.yaml");
        if (!Files.isRegularFile(file)) {
            out.add(Criterion.fail("manifest.present", "openenv.yaml exists", "missing: " + file));
            return;
        }
        JsonNode m;
        try {
            m = YAMLMapper.builder().build().readTree(Files.readString(file));
        } catch (IOException | JacksonException e) {
            out.add(Criterion.fail("manifest.present", "openenv.yaml is YAML", e.getMessage().lines().findFirst().orElse("")));
            return;
        }
        if (m == null || !m.isObject()) {
            out.add(Criterion.fail("manifest.present", "openenv.yaml is a YAML mapping", "found " + (m == null ? "nothing" : m.getNodeType())));
            return;
        }
        out.add(Criterion.pass("manifest.present", "openenv.yaml is a YAML mapping", null));
        String name = m.path("name").asString("");
        out.add(Criterion.of("manifest.name", "name is set, lower case ([a-z][a-z0-9_-]*)", NAME.matcher(name).matches(),
                name.isEmpty() ? "no name" : name));
        var missing = Stream.of("spec_version", "version", "type", "runtime", "app", "port").filter(k -> !m.has(k)).toList();
        out.add(Criterion.of("manifest.fields", "spec_version, version, type, runtime, app and port are set", missing.isEmpty(),
                missing.isEmpty() ? null : "missing: " + String.join(", ", missing)).advisory());
        if (m.has("port") && m.path("port").asInt(-1) != 8000) {
            out.add(Criterion.fail("manifest.port", "port is 8000 (the port a Space and the image serve on)", "port: " + m.path("port")).advisory());
        }
        JsonNode v = m.path("validation");
        if (!v.isObject()) {
            out.add(Criterion.fail("manifest.validation", "a validation: block (reward, resources, capabilities, types) as upstream validate grades",
                    "openenv.yaml has no validation: block"));
            return;
        }
        var problems = new ArrayList<String>();
        JsonNode reward = v.path("reward");
        if (!reward.isObject()) {
            problems.add("reward: missing");
        } else {
            JsonNode range = reward.path("range");
            if (!range.isMissingNode() && !(range.isArray() && range.size() == 2 && range.get(0).isNumber() && range.get(1).isNumber()
                    && range.get(0).asDouble() < range.get(1).asDouble())) {
                problems.add("reward.range: two numbers, strictly increasing");
            }
            if (!reward.path("floor_margin").isNumber() || reward.path("floor_margin").asDouble() < 0) {
                problems.add("reward.floor_margin: a number >= 0 is required");
            }
            if (reward.has("oracle_tolerance") && (!reward.path("oracle_tolerance").isNumber() || reward.path("oracle_tolerance").asDouble() < 0)) {
                problems.add("reward.oracle_tolerance: a number >= 0");
            }
        }
        JsonNode resources = v.path("resources");
        if (!resources.isObject()) {
            problems.add("resources: missing");
        } else {
            for (String k : List.of("cpu", "memory_mb", "disk_mb", "episode_timeout_s")) {
                if (!resources.path(k).isNumber() || resources.path(k).asDouble() <= 0) {
                    problems.add("resources." + k + ": a number > 0 is required");
                }
            }
        }
        String kind = v.path("capabilities").path("verifier").path("kind").asString("");
        if (!kind.equals("reward_channel") && !kind.equals("script")) {
            problems.add("capabilities.verifier.kind: reward_channel or script is required");
        } else if (kind.equals("script") != v.path("capabilities").path("verifier").has("entry")) {
            problems.add("capabilities.verifier.entry: required for kind script, forbidden otherwise");
        }
        if (!v.path("types").path("tags").isArray()) {
            problems.add("types.tags: a list is required");
        }
        out.add(Criterion.of("manifest.validation", "the validation: block has reward, resources, capabilities and types as upstream's schema requires",
                problems.isEmpty(), String.join("; ", problems)));
    }

    private static void layout(Path dir, List<Criterion> out) {
        boolean maven = Files.isRegularFile(dir.resolve("pom.xml"));
        boolean gradle = Files.isRegularFile(dir.resolve("build.gradle")) || Files.isRegularFile(dir.resolve("build.gradle.kts"));
        out.add(Criterion.of("layout.build", "a Java build (pom.xml or build.gradle)", maven || gradle, maven ? "pom.xml" : gradle ? "build.gradle" : "neither found"));
        List<String> sources = javaSources(dir.resolve("src/main/java"));
        boolean environment = sources.stream().anyMatch(s -> s.matches("(?s).*implements\\s+(dev\\.openenv\\.core\\.)?Environment\\s*<.*")
                || s.contains("extends McpEnvironment"));
        out.add(Criterion.of("layout.environment", "src/main/java has a class implementing Environment", environment,
                sources.isEmpty() ? "no Java sources under src/main/java" : null));
        boolean server = sources.stream().anyMatch(s -> s.contains("static void main(") && (s.contains("EnvServer.serve(") || s.contains("EnvServer.builder(")));
        out.add(Criterion.of("layout.main", "a main that serves the environment (EnvServer.serve or EnvServer.builder)", server, null));
        boolean tests = !javaSources(dir.resolve("src/test/java")).isEmpty();
        out.add(Criterion.of("layout.tests", "src/test/java has tests", tests, null).advisory());
        boolean docker = Files.isRegularFile(dir.resolve("Dockerfile")) || Files.isRegularFile(dir.resolve("server/Dockerfile"));
        out.add(Criterion.of("layout.dockerfile", "a Dockerfile (root or server/), as openenv push and a Docker Space need", docker, null).advisory());
        out.add(readme(dir.resolve("README.md")));
        var python = Stream.of("client.py", "__init__.py", "pyproject.toml").filter(f -> !Files.isRegularFile(dir.resolve(f))).toList();
        out.add(Criterion.of("layout.python_client", "a Python client package (client.py, __init__.py, pyproject.toml)", python.isEmpty(),
                python.isEmpty() ? null : "missing: " + String.join(", ", python)).advisory());
    }

    private static Criterion readme(Path readme) {
        String id = "layout.readme";
        String what = "README.md with Space front matter (sdk: docker, app_port: 8000, tags: openenv)";
        if (!Files.isRegularFile(readme)) {
            return Criterion.fail(id, what, "no README.md").advisory();
        }
        try {
            String text = Files.readString(readme, StandardCharsets.UTF_8);
            if (!text.startsWith("---")) {
                return Criterion.fail(id, what, "README.md has no front matter").advisory();
            }
            int end = text.indexOf("\n---", 3);
            JsonNode fm = YAMLMapper.builder().build().readTree(text.substring(3, end < 0 ? text.length() : end));
            var problems = new ArrayList<String>();
            if (!fm.path("sdk").asString("").equals("docker")) {
                problems.add("sdk is not docker");
            }
            if (fm.path("app_port").asInt(-1) != 8000) {
                problems.add("app_port is not 8000");
            }
            boolean tagged = false;
            for (JsonNode t : fm.path("tags")) {
                tagged |= t.asString("").equals("openenv");
            }
            if (!tagged) {
                problems.add("tags lack openenv");
            }
            return Criterion.of(id, what, problems.isEmpty(), String.join("; ", problems)).advisory();
        } catch (IOException | JacksonException e) {
            return Criterion.fail(id, what, "unreadable front matter: " + e.getMessage().lines().findFirst().orElse("")).advisory();
        }
    }

    private static List<String> javaSources(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (var files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    return "";
                }
            }).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
