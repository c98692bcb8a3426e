package dev.openenv.cli;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One graded check of {@code openenv validate}, shaped like a criterion of upstream's report
 * ({@code id, description, passed, required, details}) so tools reading either report read both.
 * A check that is not {@code required} is advice: it is shown but does not fail the verdict.
 */
record Criterion(String id, String description, boolean passed, boolean required, String details) {

    static Criterion pass(String id, String description, String details) {
        return new Criterion(id, description, true, true, details);
    }

    static Criterion fail(String id, String description, String details) {
        return new Criterion(id, description, false, true, details);
    }

    static Criterion of(String id, String description, boolean passed, String details) {
        return new Criterion(id, description, passed, true, details);
    }

    Criterion advisory() {
        return new Criterion(id, description, passed, false, details);
    }

    /** Whether every required criterion passed. */
    static boolean verdict(List<Criterion> criteria) {
        return criteria.stream().allMatch(c -> c.passed() || !c.required());
    }

    String line() {
        String status = passed ? "PASS" : required ? "FAIL" : "WARN";
        boolean show = details != null && !details.isEmpty() && (!passed || details.length() <= 80);   // evidence of a pass only when short
        return String.format("  %-4s %-28s %s%s", status, id, description, show ? "\n         " + details : "");
    }

    /** The report as upstream's validate writes it: target, type, passed, summary, criteria. */
    static ObjectNode report(String target, String validationType, List<Criterion> criteria, Map<String, String> extra) {
        var f = JsonNodeFactory.instance;
        ObjectNode report = f.objectNode();
        report.put("target", target);
        report.put("validation_type", validationType);
        extra.forEach(report::put);
        report.put("passed", verdict(criteria));
        ObjectNode summary = report.putObject("summary");
        summary.put("passed_count", criteria.stream().filter(Criterion::passed).count());
        summary.put("total_count", criteria.size());
        var failed = summary.putArray("failed_criteria");
        criteria.stream().filter(c -> !c.passed()).forEach(c -> failed.add(c.id()));
        summary.put("required_passed_count", criteria.stream().filter(c -> c.required() && c.passed()).count());
        summary.put("required_total_count", criteria.stream().filter(Criterion::required).count());
        var array = report.putArray("criteria");
        for (Criterion c : criteria) {
            ObjectNode n = array.addObject();
            n.put("id", c.id());
            n.put("description", c.description());
            n.put("passed", c.passed());
            n.put("required", c.required());
            if (c.details() != null) {
                n.put("details", c.details());
            }
        }
        return report;
    }
}
