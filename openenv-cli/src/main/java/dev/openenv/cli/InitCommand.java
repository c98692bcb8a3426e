package dev.openenv.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * {@code openenv init NAME}: writes a Maven project that builds, tests and serves as it is: records for
 * action, observation and state, the environment, a main, a test playing an episode on a real server,
 * {@code openenv.yaml} in upstream 0.10's manifest format, a README with a Hugging Face Space's front
 * matter, a Dockerfile and a thin Python client package. The templates are resources under
 * {@code dev/openenv/cli/init/}, listed in its {@code files.txt}.
 */
@Parameters(commandDescription = "Create a new environment project (Maven, Java 21+).")
final class InitCommand {
    private static final String TEMPLATES = "/dev/openenv/cli/init/";
    /** Upstream's rule for environment names, widened to the dashes Maven artifact ids like. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");

    @Parameter(description = "NAME (lower case, e.g. number_guess)")
    List<String> names;

    @Parameter(names = "--dir", description = "Directory to create (default: ./NAME).")
    String dir;

    @Parameter(names = "--group", description = "Maven groupId and Java package prefix (default: com.example).")
    String group = "com.example";

    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help.")
    boolean help;

    int call() {
        if (names == null || names.size() != 1) {
            System.err.println("openenv: init takes exactly one environment name");
            return 2;
        }
        String name = names.get(0);
        if (!NAME.matcher(name).matches()) {
            System.err.println("openenv: '" + name + "' is not a valid environment name: use lower case letters, digits, '_' and '-', starting with a letter");
            return 2;
        }
        if (!group.matches("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*")) {
            System.err.println("openenv: '" + group + "' is not a valid Java package prefix");
            return 2;
        }
        Path target = Path.of(dir != null ? dir : name).toAbsolutePath().normalize();
        try (var entries = Files.exists(target) ? Files.list(target) : null) {
            if (entries != null && entries.findAny().isPresent()) {
                System.err.println("openenv: " + target + " exists and is not empty");
                return 2;
            }
        } catch (IOException e) {
            System.err.println("openenv: cannot read " + target + ": " + e.getMessage());
            return 1;
        }
        try {
            List<Path> written = write(target, variables(name, group));
            System.out.println("openenv: created " + target + " (" + written.size() + " files)");
            System.out.println("  cd " + target + " && mvn verify && java -jar target/" + name + "-0.1.0.jar");
            return 0;
        } catch (IOException | UncheckedIOException e) {
            System.err.println("openenv: cannot write " + target + ": " + e.getMessage());
            return 1;
        }
    }

    /** The placeholders of the templates and their values for {@code name}. */
    static Map<String, String> variables(String name, String group) {
        String[] words = name.split("[_-]+");
        var className = new StringBuilder();
        var title = new StringBuilder();
        for (String w : words) {
            if (w.isEmpty()) {
                continue;
            }
            String cap = Character.toUpperCase(w.charAt(0)) + w.substring(1);
            className.append(cap);
            title.append(title.isEmpty() ? "" : " ").append(cap);
        }
        String pkg = group + "." + name.replaceAll("[^a-z0-9]", "").toLowerCase(Locale.ROOT);
        Properties versions = versions();
        var vars = new LinkedHashMap<String, String>();
        vars.put("__PACKAGE_DIR__", pkg.replace('.', '/'));
        vars.put("__PY_PACKAGE__", name.replace('-', '_'));
        vars.put("__PACKAGE__", pkg);
        vars.put("__GROUP__", group);
        vars.put("__CLASS__", className.toString());
        vars.put("__TITLE__", title.toString());
        vars.put("__NAME__", name);
        vars.put("__OPENENV_VERSION__", versions.getProperty("openenv"));
        vars.put("__JUNIT_VERSION__", versions.getProperty("junit"));
        vars.put("__ASSERTJ_VERSION__", versions.getProperty("assertj"));
        return vars;
    }

    private static Properties versions() {
        var p = new Properties();
        try (InputStream in = InitCommand.class.getResourceAsStream("versions.properties")) {
            p.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("versions.properties missing from the CLI jar", e);
        }
        return p;
    }

    static List<Path> write(Path target, Map<String, String> vars) throws IOException {
        var written = new ArrayList<Path>();
        for (String template : read("files.txt").lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
            Path out = target.resolve(substitute(template, vars).replaceFirst("(^|/)dot\\.", "$1."));
            Files.createDirectories(out.getParent());
            Files.writeString(out, substitute(read(template), vars));
            written.add(out);
        }
        return written;
    }

    private static String substitute(String text, Map<String, String> vars) {
        for (var e : vars.entrySet()) {
            text = text.replace(e.getKey(), e.getValue());
        }
        return text;
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = InitCommand.class.getResourceAsStream(TEMPLATES + resource)) {
            if (in == null) {
                throw new IOException("template " + resource + " missing from the CLI jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
