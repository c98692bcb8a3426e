package dev.openenv.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * {@code openenv validate [DIR | --url URL] [--json]}: static checks of a project (manifest, layout) or
 * runtime checks of a running server (protocol over HTTP and WebSocket), one PASS/FAIL line per check.
 * Exit 0 when every required check passed, 1 when one failed, 2 on bad usage. {@code --json} prints
 * the report in the shape of upstream's ({@code target, validation_type, passed, summary, criteria}).
 */
@Parameters(commandDescription = "Check a project (DIR, default .) or a running server (--url) against the OpenEnv protocol.")
final class ValidateCommand {
    @Parameter(description = "DIR or URL")
    List<String> targets;

    @Parameter(names = "--url", description = "Base URL of a running server, e.g. http://localhost:8000.")
    String url;

    @Parameter(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Parameter(names = "--timeout", description = "Seconds to wait for each answer (default 5).")
    double timeoutSeconds = 5;

    @Parameter(names = "--capacity-probe", description = "Most WebSocket sessions to open when looking for the session limit (default 8).")
    int capacityProbe = 8;

    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help.")
    boolean help;

    int call() {
        if (targets != null && targets.size() > 1) {
            System.err.println("openenv: validate takes one DIR or URL");
            return 2;
        }
        String target = targets == null ? null : targets.get(0);
        if (target != null && target.matches("(?i)https?://.*")) {
            if (url != null && !url.equals(target)) {
                System.err.println("openenv: two different URLs given");
                return 2;
            }
            url = target;
            target = null;
        }
        if (url != null && target != null) {
            System.err.println("openenv: give a directory or --url, not both");
            return 2;
        }
        List<Criterion> criteria;
        var extra = new LinkedHashMap<String, String>();
        String shown;
        String type;
        if (url != null) {
            String base = url.contains("://") ? url : "http://" + url;
            var checks = new ServerChecks(base, Duration.ofMillis((long) (timeoutSeconds * 1000)), capacityProbe);
            criteria = checks.run();
            extra.put("mode", checks.mode);
            shown = base;
            type = "running_environment";
        } else {
            Path dir = Path.of(target == null ? "." : target).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                System.err.println("openenv: not a directory: " + dir);
                return 2;
            }
            criteria = ProjectChecks.run(dir);
            shown = dir.toString();
            type = "local_environment";
        }
        boolean passed = Criterion.verdict(criteria);
        if (json) {
            System.out.println(Criterion.report(shown, type, criteria, extra).toPrettyString());
        } else {
            System.out.println("Validation of " + shown + (extra.containsKey("mode") ? " (mode: " + extra.get("mode") + ")" : ""));
            criteria.forEach(c -> System.out.println(c.line()));
            long failed = criteria.stream().filter(c -> c.required() && !c.passed()).count();
            System.out.println("Verdict: " + (passed ? "PASS" : "FAIL") + " (" + criteria.stream().filter(Criterion::passed).count() + "/"
                    + criteria.size() + " passed" + (failed > 0 ? ", " + failed + " required failed" : "") + ")");
        }
        return passed ? 0 : 1;
    }
}
