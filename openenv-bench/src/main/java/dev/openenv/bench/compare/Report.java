package dev.openenv.bench.compare;

import dev.openenv.bench.latency.SequentialLatency;
import dev.openenv.bench.load.LoadGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The comparison as a table (targets, our value, the reference's best, the ratio), BENCHMARKS.md and plots. */
final class Report {
    private final Compare.Results r;
    private final String best;
    private final String ours = Candidate.OURS;

    Report(Compare.Results results, String bestReference) {
        this.r = results;
        this.best = bestReference;
    }

    private record Row(String metric, String target, String ours, String reference, String ratio, String met) {}

    private List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        seqRow(rows, r.sequential, "", "websocket", "p50", SequentialLatency.Result::p50Micros, 30);
        seqRow(rows, r.sequential, "", "websocket", "p99", SequentialLatency.Result::p99Micros, 150);
        if (r.pinnedSequential.containsKey(ours)) {
            seqRow(rows, r.pinnedSequential, ", pinned", "websocket", "p50", SequentialLatency.Result::p50Micros, 30);
            seqRow(rows, r.pinnedSequential, ", pinned", "websocket", "p99", SequentialLatency.Result::p99Micros, 150);
        }
        seqRow(rows, r.sequential, "", "http", "p50", SequentialLatency.Result::p50Micros, -1);
        seqRow(rows, r.sequential, "", "http", "p99", SequentialLatency.Result::p99Micros, -1);
        var javaClient = r.sequential.get(ours).stream().filter(x -> x.transport().equals(Compare.JAVA_CLIENT)).findFirst();
        if (javaClient.isPresent()) {
            var lg = seq(r.sequential, ours, "websocket");
            double serverCpu = Compare.Results.at(r.throughput.get(ours), 1).serverCpuMicrosPerStep();
            rows.add(new Row("Java client (EnvClient) CPU per sequential step (µs)", "< server's (" + fmt1(serverCpu) + ")",
                    fmt1(javaClient.get().clientCpuMicrosPerStep()), "–", "", mark(javaClient.get().clientCpuMicrosPerStep() < serverCpu)));
            rows.add(new Row("  load generator's CPU per sequential step (µs)", "", fmt1(lg.clientCpuMicrosPerStep()), "–", "", ""));
            rows.add(new Row("  Java client step p50 / p99 (µs)", "", fmt(javaClient.get().p50Micros()) + " / " + fmt(javaClient.get().p99Micros()),
                    "–", "", ""));
        }

        var ourT = Compare.Results.at(r.throughput.get(ours), 64);
        var refT = best == null ? null : Compare.Results.at(r.throughput.get(best), 64);
        double ratio = refT == null ? Double.NaN : ourT.stepsPerSecond() / refT.stepsPerSecond();
        rows.add(new Row("Throughput, wait 0, N = 64 (steps/s)", "≥ 5× reference",
                fmt(ourT.stepsPerSecond()), refT == null ? "–" : fmt(refT.stepsPerSecond()), ratio(ratio),
                mark(Double.isNaN(ratio) || ratio >= 5)));
        rows.add(new Row("  server CPU per step at N = 64 (µs, user + system)", "", fmt1(ourT.serverCpuMicrosPerStep()),
                refT == null ? "–" : fmt1(refT.serverCpuMicrosPerStep()),
                refT == null ? "–" : ratio(refT.serverCpuMicrosPerStep() / ourT.serverCpuMicrosPerStep()), ""));
        rows.add(new Row("  best throughput over the N swept (steps/s)", "", fmt(bestOf(r.throughput.get(ours))),
                refT == null ? "–" : fmt(bestOf(r.throughput.get(best))),
                refT == null ? "–" : ratio(bestOf(r.throughput.get(ours)) / bestOf(r.throughput.get(best))), ""));
        rows.add(new Row("  p99 step latency at N = 64 (µs)", "", fmt(ourT.p99Micros()), refT == null ? "–" : fmt(refT.p99Micros()),
                refT == null ? "–" : ratio(refT.p99Micros() / ourT.p99Micros()), ""));
        if (r.pinnedThroughput.containsKey(ours)) {
            var ourP = Compare.Results.at(r.pinnedThroughput.get(ours), 64);
            var refP = best == null || !r.pinnedThroughput.containsKey(best) ? null : Compare.Results.at(r.pinnedThroughput.get(best), 64);
            double ratioP = refP == null ? Double.NaN : ourP.stepsPerSecond() / refP.stepsPerSecond();
            rows.add(new Row("Throughput, wait 0, N = 64, pinned (steps/s)", "≥ 5× reference",
                    fmt(ourP.stepsPerSecond()), refP == null ? "–" : fmt(refP.stepsPerSecond()), ratio(ratioP),
                    mark(Double.isNaN(ratioP) || ratioP >= 5)));
            rows.add(new Row("  server CPU per step at N = 64, pinned (µs)", "", fmt1(ourP.serverCpuMicrosPerStep()),
                    refP == null ? "–" : fmt1(refP.serverCpuMicrosPerStep()),
                    refP == null ? "–" : ratio(refP.serverCpuMicrosPerStep() / ourP.serverCpuMicrosPerStep()), ""));
        }

        var ourC = r.capacity.get(ours);
        var refC = best == null ? null : r.capacity.get(best);
        var ourBig = ourC.get(ourC.size() - 1);
        var refBig = refC == null ? null : refC.get(refC.size() - 1);
        rows.add(new Row("Capacity, wait 1 s, N = " + fmt(ourBig.sessions()) + ": success", "100 %",
                pct(ourBig.successRate()), refBig == null ? "–" : pct(refBig.successRate()), "", mark(ourBig.successRate() == 1.0)));
        rows.add(new Row("  p99 step latency (s)", "≤ 1.05", secs(ourBig.p99Micros()), refBig == null ? "–" : secs(refBig.p99Micros()),
                refBig == null ? "–" : ratio(refBig.p99Micros() / ourBig.p99Micros()), mark(ourBig.p99Micros() <= 1_050_000)));
        var our1k = ourC.stream().filter(x -> x.sessions() == 1_000).findFirst().orElse(ourC.get(0));
        var ref1k = refC == null ? null : refC.stream().filter(x -> x.sessions() == our1k.sessions()).findFirst().orElse(null);
        rows.add(new Row("Connecting " + fmt(our1k.sessions()) + " sessions (ms)", "< 1,000", fmt(our1k.connectMillis()),
                ref1k == null ? "–" : fmt(ref1k.connectMillis()), ref1k == null ? "–" : ratio(ref1k.connectMillis() / our1k.connectMillis()),
                mark(our1k.connectMillis() < 1_000)));
        rows.add(new Row("Max batch (largest N with ≥ 95 % success, wait 1 s)", "", maxBatch(ourC), refC == null ? "–" : maxBatch(refC), "", ""));

        var ourM = r.memory.get(ours);
        var refM = best == null ? null : r.memory.get(best);
        rows.add(new Row("Heap per idle session at " + fmt(ourM.sessions()) + " (KiB)", "≤ 32", fmt1(ourM.heapKibPerSession()), "–", "",
                mark(ourM.heapKibPerSession() >= 0 && ourM.heapKibPerSession() <= 32)));
        rows.add(new Row("  resident memory per idle session (KiB)", "", fmt1(ourM.rssKibPerSession()),
                refM == null ? "–" : fmt1(refM.rssKibPerSession()), refM == null ? "–" : ratio(refM.rssKibPerSession() / ourM.rssKibPerSession()), ""));

        double ourCold = median(r.coldStartMillis.get(ours));
        Double refCold = best == null ? null : median(r.coldStartMillis.get(best));
        rows.add(new Row("Cold start: process start → first reset answered (ms, median)", "≤ 300", fmt(ourCold),
                refCold == null ? "–" : fmt(refCold), refCold == null ? "–" : ratio(refCold / ourCold), mark(ourCold <= 300)));
        return rows;
    }

    private void seqRow(List<Row> rows, Map<String, List<SequentialLatency.Result>> runs, String how, String transport, String which,
                        ToDoubleFunction<SequentialLatency.Result> f, double target) {
        double o = f.applyAsDouble(seq(runs, ours, transport));
        Double ref = best == null ? null : bestSequential(runs, transport, f);
        rows.add(new Row("Sequential " + transport + " step" + how + ", " + which + " (µs)", target < 0 ? "" : "≤ " + fmt(target), fmt(o),
                ref == null ? "–" : fmt(ref), ref == null ? "–" : ratio(ref / o), target < 0 ? "" : mark(o <= target)));
    }

    /** The reference's best value over its configurations (sequential latency does not depend on workers). */
    private Double bestSequential(Map<String, List<SequentialLatency.Result>> runs, String transport, ToDoubleFunction<SequentialLatency.Result> f) {
        return runs.keySet().stream().filter(k -> !k.equals(ours))
                .mapToDouble(k -> f.applyAsDouble(seq(runs, k, transport))).min().stream().boxed().findFirst().orElse(null);
    }

    private static SequentialLatency.Result seq(Map<String, List<SequentialLatency.Result>> runs, String name, String transport) {
        return runs.get(name).stream().filter(s -> s.transport().equals(transport)).findFirst().orElseThrow();
    }

    String table() {
        var sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-64s %-28s %12s %14s %8s %s%n", "metric", "target", "ours", "reference", "ratio", "met"));
        for (Row row : rows()) {
            sb.append(String.format(Locale.ROOT, "%-64s %-28s %12s %14s %8s %s%n", row.metric(), row.target(), row.ours(),
                    row.reference(), row.ratio(), row.met()));
        }
        return sb.toString();
    }

    void write(Path markdown, Path plotDir) throws IOException {
        Files.createDirectories(plotDir);
        Path rel = markdown.getParent().relativize(plotDir);
        plot(plotDir.resolve("throughput.png"), "Throughput, wait 0", "steps/s", r.throughput, LoadGenerator.Result::stepsPerSecond, false);
        plot(plotDir.resolve("p99-wait0.png"), "p99 step latency, wait 0", "p99 (ms)", r.throughput, x -> x.p99Micros() / 1e3, true);
        plot(plotDir.resolve("p99-wait1.png"), "p99 step latency, wait 1 s", "p99 (s)", r.capacity, x -> x.p99Micros() / 1e6, false);
        boolean pinned = !r.pinnedThroughput.isEmpty();
        if (pinned) {
            plot(plotDir.resolve("throughput-pinned.png"), "Throughput, wait 0, pinned (server CPU 0, load CPU 1)", "steps/s",
                    r.pinnedThroughput, LoadGenerator.Result::stepsPerSecond, false);
        }

        var md = new StringBuilder();
        md.append("# Benchmarks: OpenEnv for Java against the Python reference\n\n");
        md.append("Written by `scripts/bench` (`java -jar openenv-bench/target/openenv-bench.jar compare`): our server and the\n")
          .append("pinned Python reference, one after the other on this machine, measured by the same load generator\n")
          .append("(`openenv-bench`, which speaks only the wire protocol) with the same N and K. Both serve the\n")
          .append("reference scaling study's benchmark environment (`step` echoes `payload` after sleeping `wait_seconds`):\n")
          .append("ours is `openenv serve bench`, the reference's is `openenv-bench/python/bench_env.py` written with the\n")
          .append("upstream library. Load generator and server are separate processes on 127.0.0.1.")
          .append(r.scale.equals("full") ? "\n\n" : "\n\n**This is a `--quick` run: small N and K, for checking the harness only.**\n\n");
        md.append("## Machine\n\n");
        r.environment.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("\n## Targets\n\n`reference` is its best configuration at N = 64 (`").append(best).append("`), except sequential latency,\n")
          .append("where it is the best of all its configurations. Ratio: how many times better ours is.\n\n");
        md.append("| metric | target | ours | reference | ratio | met |\n|---|---|---:|---:|---:|---|\n");
        for (Row row : rows()) {
            md.append("| ").append(String.join(" | ", row.metric(), row.target(), row.ours(), row.reference(), row.ratio(), row.met()))
              .append(" |\n");
        }
        md.append("\n![throughput](").append(rel.resolve("throughput.png")).append(") ![p99 wait 0](")
          .append(rel.resolve("p99-wait0.png")).append(") ![p99 wait 1 s](").append(rel.resolve("p99-wait1.png")).append(")");
        if (pinned) {
            md.append(" ![throughput, pinned](").append(rel.resolve("throughput-pinned.png")).append(")");
        }
        md.append("\n\nEach throughput scenario runs twice: with server and load generator sharing both cores (the\n")
          .append("rows without a mark), and pinned with `taskset` (server, and every reference worker, on CPU 0; the load\n")
          .append("generator on CPU 1). Shared is what one machine running both gives; pinned shows what the server alone does\n")
          .append("with one core, without the load generator's noise.\n");
        if (!r.failed.isEmpty()) {
            md.append("\n**Left out because their run failed:** ");
            r.failed.forEach((name, why) -> md.append("`").append(name).append("` (").append(why).append("); "));
            md.append('\n');
        }
        md.append("\n## Sequential single-session latency (µs)\n\n`websocket` through the load generator's client; `http` through the JDK's `HttpClient` (keep-alive); `java client` through our `EnvClient` (its default WebSocket transport), with the client process's CPU per step.\n\n")
          .append("| server | transport | p50 | p90 | p99 | p99.9 | max | steps/s | failed steps | client CPU/step (µs) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        r.sequential.forEach((name, list) -> list.forEach(s -> md.append(String.format(Locale.ROOT,
                "| %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %d | %s |%n", name, s.transport(), s.p50Micros(), s.p90Micros(),
                s.p99Micros(), s.p999Micros(), s.maxMicros(), s.stepsPerSecond(), s.failures(),
                s.clientCpuMicrosPerStep() > 0 ? fmt1(s.clientCpuMicrosPerStep()) : "–"))));
        if (!r.pinnedSequential.isEmpty()) {
            md.append("\nPinned (server on CPU 0, load generator on CPU 1), WebSocket through the load generator's client:\n\n")
              .append("| server | transport | p50 | p90 | p99 | p99.9 | max | steps/s | failed steps |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
            r.pinnedSequential.forEach((name, list) -> list.forEach(s -> md.append(String.format(Locale.ROOT,
                    "| %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %d |%n", name, s.transport(), s.p50Micros(), s.p90Micros(),
                    s.p99Micros(), s.p999Micros(), s.maxMicros(), s.stepsPerSecond(), s.failures()))));
        }
        loadTable(md, "Throughput sweep, wait 0", r.throughput);
        if (!r.pinnedThroughput.isEmpty()) {
            loadTable(md, "Throughput sweep, wait 0, pinned (server CPU 0, load generator CPU 1)", r.pinnedThroughput);
        }
        loadTable(md, "Capacity, wait 1 s", r.capacity);
        md.append("\n## Idle sessions\n\n| server | sessions | held | connect (ms) | RSS before (KiB) | RSS after (KiB) | RSS / session (KiB) | heap before (KiB) | heap after (KiB) | heap / session (KiB) |\n")
          .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        r.memory.forEach((name, m) -> md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %d | %d | %.1f | %s | %s | %s |%n",
                name, m.sessions(), m.held(), m.connectMillis(), m.baselineRssKib(), m.rssKib(), m.rssKibPerSession(),
                m.baselineHeapKib() < 0 ? "–" : Long.toString(m.baselineHeapKib()), m.heapKib() < 0 ? "–" : Long.toString(m.heapKib()),
                m.heapKibPerSession() < 0 ? "–" : fmt1(m.heapKibPerSession()))));
        md.append("\n## Cold start (ms, process start → first WebSocket reset answered)\n\n");
        r.coldStartMillis.forEach((name, list) -> md.append("- ").append(name).append(": ").append(list.stream()
                .map(d -> String.format(Locale.ROOT, "%.0f", d)).toList()).append(", median ").append(fmt(median(list))).append('\n'));
        if (!r.jmh.isEmpty()) {
            md.append("\n## JMH micro-benchmarks\n\n| benchmark | mode | score | error | unit |\n|---|---|---:|---:|---|\n");
            r.jmh.forEach(s -> md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | ± %.1f | %s |%n", s.benchmark(), s.mode(),
                    s.score(), s.error(), s.unit())));
        }
        Path notes = markdown.resolveSibling("openenv-bench/NOTES.md");
        if (Files.isRegularFile(notes)) {
            md.append("\n").append(Files.readString(notes));
        }
        Files.writeString(markdown, md.toString());
    }

    private static void loadTable(StringBuilder md, String title, Map<String, List<LoadGenerator.Result>> runs) {
        md.append("\n## ").append(title).append("\n\n| server | N | K | success | connect (ms) | steps/s | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | server CPU/step (µs) | failures |\n")
          .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        runs.forEach((name, list) -> list.forEach(x -> md.append(String.format(Locale.ROOT,
                "| %s | %d | %d | %s | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %s | %s |%n", name, x.sessions(), x.steps(),
                pct(x.successRate()), x.connectMillis(), x.stepsPerSecond(), x.p50Micros() / 1e3, x.p90Micros() / 1e3,
                x.p99Micros() / 1e3, x.maxMicros() / 1e3, fmt1(x.serverCpuMicrosPerStep()),
                x.failures().isEmpty() ? "–" : x.failures().toString()))));
    }

    private static void plot(Path file, String title, String yTitle, Map<String, List<LoadGenerator.Result>> runs,
                             ToDoubleFunction<LoadGenerator.Result> y, boolean logY) throws IOException {
        XYChart chart = new XYChartBuilder().width(720).height(420).title(title).xAxisTitle("concurrent sessions N").yAxisTitle(yTitle).build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(logY);
        // Below the plot, in a row: inside it the legend covered our line (highest throughput, top left).
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        // One notation on both axes (log axes otherwise mix "1000" with "1E4").
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        chart.getStyler().setYAxisDecimalPattern(logY ? "#,##0.###" : "#,##0");
        runs.forEach((name, list) -> {
            if (list.isEmpty()) {
                return;
            }
            var s = chart.addSeries(name, list.stream().mapToDouble(LoadGenerator.Result::sessions).toArray(),
                    list.stream().mapToDouble(y).toArray());
            s.setMarker(SeriesMarkers.CIRCLE);
        });
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static double bestOf(List<LoadGenerator.Result> sweep) {
        return sweep.stream().mapToDouble(LoadGenerator.Result::stepsPerSecond).max().orElse(Double.NaN);
    }

    private static String maxBatch(List<LoadGenerator.Result> runs) {
        return runs.stream().filter(x -> x.successRate() >= 0.95).mapToInt(LoadGenerator.Result::sessions).max()
                .stream().mapToObj(Report::fmt).findFirst().orElse("none of " + runs.stream().map(LoadGenerator.Result::sessions).toList());
    }

    private static double median(List<Double> xs) {
        var sorted = xs.stream().sorted().toList();
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String fmt1(double v) {
        return v < 0 ? "–" : String.format(Locale.ROOT, "%,.1f", v);
    }

    private static String secs(double micros) {
        return String.format(Locale.ROOT, "%.2f", micros / 1e6);
    }

    private static String pct(double rate) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * rate);
    }

    private static String ratio(double r) {
        return Double.isNaN(r) || Double.isInfinite(r) ? "–" : String.format(Locale.ROOT, "%.1f×", r);
    }

    private static String mark(boolean ok) {
        return ok ? "yes" : "**no**";
    }
}
