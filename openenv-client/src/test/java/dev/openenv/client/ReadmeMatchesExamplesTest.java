package dev.openenv.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's Java blocks are the sources of the standalone projects in {@code examples/} (which
 * scripts/publish-check.sh builds and tests against the deployed artifacts): each block names its file
 * in an HTML comment just above it, and is that file without its package line, or, where the file marks
 * regions with {@code // README begin} / {@code // README end}, those regions, unindented, a blank line between them.
 */
@Timeout(30)
class ReadmeMatchesExamplesTest {
    private static final Pattern BLOCK = Pattern.compile("(?:<!-- (\\S+)[^\\n]*-->\\n)?```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern REGION =
            Pattern.compile("[ \\t]*// README begin\\n(.*?)[ \\t]*// README end\\n", Pattern.DOTALL);

    @Test
    void everyJavaBlockInTheReadmeIsTheExampleSourceItNames() throws IOException {
        Path root = repositoryRoot();
        Matcher block = BLOCK.matcher(Files.readString(root.resolve("README.md")));
        int blocks = 0;
        while (block.find()) {
            blocks++;
            String file = block.group(1);
            assertThat(file).as("the README's java block #%d names the example it is taken from "
                    + "(<!-- examples/... --> on the line above)", blocks).isNotNull().startsWith("examples/");
            assertThat(block.group(2)).as("README block #%d against %s", blocks, file)
                    .isEqualTo(shownPartOf(Files.readString(root.resolve(file))));
        }
        assertThat(blocks).as("java blocks in README.md").isGreaterThanOrEqualTo(3);
    }

    @Test
    void regionsAreCutOutAndUnindented() {
        String source = """
                package x;

                // README begin
                import a.B;
                // README end
                class C {
                    void f() {
                        // README begin
                        if (b) {
                            go();
                        }
                        // README end
                    }
                }
                """;
        assertThat(shownPartOf(source)).isEqualTo("import a.B;\n\nif (b) {\n    go();\n}\n");
        assertThat(shownPartOf("package x;\n\nrecord R() {}\n")).isEqualTo("record R() {}\n");
    }

    /** What the README shows of an example source file. */
    static String shownPartOf(String source) {
        Matcher region = REGION.matcher(source);
        List<String> regions = new ArrayList<>();
        while (region.find()) {
            regions.add(unindented(region.group(1)));
        }
        if (!regions.isEmpty()) {
            return String.join("\n", regions);   // a blank line between regions
        }
        return source.replaceFirst("\\Apackage [\\w.]+;\\n\\n", "");
    }

    private static String unindented(String text) {
        int indent = text.lines().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        text.lines().forEach(l -> out.append(l.isBlank() ? "" : l.substring(indent)).append('\n'));
        return out.toString();
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("README.md")) && Files.exists(dir.resolve("examples"))) {
                return dir;
            }
        }
        throw new IllegalStateException("repository root (README.md, examples/) not found above " + Path.of("").toAbsolutePath());
    }
}
