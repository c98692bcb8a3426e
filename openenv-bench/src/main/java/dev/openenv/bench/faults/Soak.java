package dev.openenv.bench.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * Mixed load for a chosen time: {@code sessions} clients stepping without pause (a reset every 20
 * steps), plus connect/reset/kill churn at a fixed rate. The server's gauges are sampled all along;
 * at the end the last third of the run is compared with the first third (after a warm-up tenth): threads,
 * descriptors or live heap that grew beyond a tolerance are reported as a possible leak, and sessions
 * must return to zero once the load stops.
 */
public final class Soak {
    static final int STEPS_PER_EPISODE = 20;

    /**
     * What to run; {@code pid} (0: none) adds the server process's {@code /proc} view (RSS, and threads/fds when it has no
     * /metrics) and, with {@code fullGc}, a full collection asked of that JVM after the warm-up and after the load.
     */
    public record Plan(URI base, Duration duration, int sessions, double churnPerSecond, Duration sample, String stepData, long pid,
                       boolean fullGc) {}

    /** One look at the server; {@code collected}: just after a full collection we asked for (so its live heap is exact). */
    public record Sample(double atSeconds, ServerGauges gauges, long steps, long churned, boolean collected) {}

    /** The samples and the verdict. */
    public record Result(List<Sample> samples, long steps, long churned, Map<String, Long> failures, List<String> growth,
                         double sessionsAfter) {
        public boolean clean() {
            return growth.isEmpty() && (Double.isNaN(sessionsAfter) || sessionsAfter == 0);
        }
    }

    private Soak() {}

    public static Result run(Plan plan) throws InterruptedException {
        var steps = new LongAdder();
        var churned = new LongAdder();
        Map<String, Long> failures = new ConcurrentHashMap<>();
        long started = System.nanoTime();
        long end = started + plan.duration().toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < plan.sessions(); s++) {
            threads.add(Thread.ofVirtual().name("soak-step-" + s).start(() -> stepUntil(plan, end, steps, failures)));
        }
        threads.add(Thread.ofPlatform().name("soak-churn").start(() -> churnUntil(plan, end, churned, failures)));
        List<Sample> samples = new ArrayList<>();
        // the post-GC heap gauge lags (the old generation's figure is from its last collection, which may not have
        // happened yet): with the server's pid we ask for a full collection after the warm-up and after the load
        long warmedUp = started + plan.duration().toNanos() / 10;
        boolean collectedWarm = false;
        try (HttpClient http = HttpClient.newHttpClient()) {
            // no sample in the last moments: it could see the load already stopping and pull the last third down
            while (end - System.nanoTime() > 50_000_000) {
                boolean collect = plan.fullGc() && !collectedWarm && System.nanoTime() >= warmedUp && ServerGauges.collect(plan.pid());
                collectedWarm |= collect || System.nanoTime() >= warmedUp;
                samples.add(new Sample((System.nanoTime() - started) / 1e9, ServerGauges.read(http, plan.base(), plan.pid()), steps.sum(),
                        churned.sum(), collect));
                Thread.sleep(Math.min(plan.sample().toMillis(), Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
            for (Thread t : threads) {
                t.join();
            }
            double sessions = ServerGauges.read(http, plan.base(), plan.pid()).sessions();
            long settle = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (sessions > 0 && System.nanoTime() < settle) {
                Thread.sleep(20);
                sessions = ServerGauges.read(http, plan.base(), plan.pid()).sessions();
            }
            boolean collect = plan.fullGc() && ServerGauges.collect(plan.pid());
            samples.add(new Sample((System.nanoTime() - started) / 1e9, ServerGauges.read(http, plan.base(), plan.pid()), steps.sum(),
                    churned.sum(), collect));
            return new Result(samples, steps.sum(), churned.sum(), new TreeMap<>(failures), growth(samples), sessions);
        }
    }

    private static void stepUntil(Plan plan, long end, LongAdder steps, Map<String, Long> failures) {
        String step = "{\"type\":\"step\",\"data\":" + plan.stepData() + "}";
        while (System.nanoTime() < end) {
            try (WsSocket ws = WsSocket.open(plan.base(), 10_000)) {
                while (System.nanoTime() < end) {
                    ws.sendText(Churn.RESET);
                    expectObservation(ws.next());
                    for (int i = 0; i < STEPS_PER_EPISODE && System.nanoTime() < end; i++) {
                        ws.sendText(step);
                        expectObservation(ws.next());
                        steps.increment();
                    }
                }
            } catch (IOException e) {
                failures.merge("stepping: " + e.getClass().getSimpleName() + ": " + e.getMessage(), 1L, Long::sum);
                sleep(100);
            }
        }
    }

    private static void expectObservation(WsSocket.Frame f) throws IOException {
        if (f.opcode() != WsSocket.TEXT || !f.text().contains("\"observation\"")) {
            throw new IOException(f.opcode() == WsSocket.CLOSE ? "closed by the server" : "unexpected reply: " + f.text());
        }
    }

    private static void churnUntil(Plan plan, long end, LongAdder churned, Map<String, Long> failures) {
        if (plan.churnPerSecond() <= 0) {
            return;
        }
        var cyclePlan = new Churn.Plan(plan.base(), Integer.MAX_VALUE, 1, 10, plan.stepData(), Duration.ofSeconds(10), Duration.ZERO);
        long period = (long) (1e9 / plan.churnPerSecond());
        long next = System.nanoTime();
        var inFlight = new AtomicInteger();
        int i = 0;
        while (next < end) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            if (inFlight.get() < 256) { // a server that stops answering must not make us pile up threads
                int n = i++;
                inFlight.incrementAndGet();
                Thread.ofVirtual().start(() -> {
                    try {
                        if (Churn.cycle(cyclePlan, n) instanceof Churn.Outcome.Failed f) {
                            failures.merge("churn: " + f.why(), 1L, Long::sum);
                        } else {
                            churned.increment();
                        }
                    } finally {
                        inFlight.decrementAndGet();
                    }
                });
            }
            next += period;
        }
        while (inFlight.get() > 0) {
            sleep(10);
        }
    }

    /**
     * What grew beyond tolerance: the floor of threads and descriptors from the first third to the last (after a warm-up tenth);
     * live heap from the full GC after the warm-up to the one after the load, else by the post-GC gauge like the rest.
     */
    static List<String> growth(List<Sample> all) {
        List<Sample> during = all.subList(0, Math.max(0, all.size() - 1)); // the last sample is after the load
        int skip = Math.max(1, during.size() / 10);
        if (during.size() - skip < 3) {
            return List.of();
        }
        List<Sample> steady = during.subList(skip, during.size());
        int third = Math.max(1, steady.size() / 3);
        List<Sample> first = steady.subList(0, third);
        List<Sample> last = steady.subList(steady.size() - third, steady.size());
        List<String> grew = new ArrayList<>();
        check(grew, "threads", first, last, s -> s.gauges().threads(), 1.10, 4);
        check(grew, "file descriptors", first, last, s -> s.gauges().fds(), 1.10, 16);
        // the exact figures when we have them: after a full collection under load (warm) and after one once the load
        // has gone. Otherwise the gauge, which lags: it counts garbage promoted since the old generation's last
        // collection (measured in a 20 s soak: 13 MiB rising to 53 MiB between full-GC figures of 13 MiB and 13 MiB).
        List<Sample> collected = all.stream().filter(Sample::collected).toList();
        if (collected.size() >= 2 && collected.getLast() == all.getLast()) {
            check(grew, "live heap after a full GC (bytes)", collected.subList(0, 1), collected.subList(collected.size() - 1, collected.size()),
                    s -> s.gauges().liveBytes(), 1.25, 16 << 20);
        } else {
            check(grew, "live heap after GC (bytes)", first, last, s -> s.gauges().liveBytes(), 1.25, 16 << 20);
        }
        return grew;
    }

    private static void check(List<String> grew, String what, List<Sample> first, List<Sample> last,
                              ToDoubleFunction<Sample> metric, double factor, double slack) {
        // floors, not medians: a leak raises the floor, while a burst of connections in flight (a stalled churn
        // catching up) only raises some samples (seen: descriptors 146 -> 210 for five samples, floors 131 and 129)
        double a = floor(first, metric);
        double b = floor(last, metric);
        if (!Double.isNaN(a) && !Double.isNaN(b) && b > a * factor + slack) {
            grew.add(String.format(Locale.ROOT, "%s grew from %.0f to %.0f (lowest of the first and last thirds)", what, a, b));
        }
    }

    private static double floor(List<Sample> samples, ToDoubleFunction<Sample> metric) {
        return samples.stream().mapToDouble(metric).filter(d -> !Double.isNaN(d)).min().orElse(Double.NaN);
    }

    /** The samples as a table and the verdict. */
    public static String describe(Result r) {
        var out = new StringBuilder("     t(s)  sessions  threads      fds   heap(MiB)  live(MiB)   rss(MiB)      steps  churned\n");
        for (Sample s : r.samples()) {
            ServerGauges g = s.gauges();
            out.append(String.format(Locale.ROOT, "%9.1f %9s %8s %8s %11s %10s %10s %10d %8d%n", s.atSeconds(), num(g.sessions(), 1),
                    num(g.threads(), 1), num(g.fds(), 1), num(g.heapBytes(), 1 << 20),
                    num(g.liveBytes(), 1 << 20) + (s.collected() ? "*" : " "), num(g.rssBytes(), 1 << 20), s.steps(), s.churned()));
        }
        if (r.samples().stream().anyMatch(Sample::collected)) {
            out.append("* just after a full GC asked for with jcmd (after the warm-up, and after the load)\n");
        }
        out.append(String.format(Locale.ROOT, "steps=%d churned=%d failures=%s sessions after the load=%s%n", r.steps(), r.churned(),
                r.failures(), num(r.sessionsAfter(), 1)));
        if (r.samples().stream().allMatch(s -> Double.isNaN(s.gauges().sessions()))) {
            out.append("sessions unknown: the server has no /metrics (openenv_sessions_active); threads, fds and RSS come from /proc"
                    + " only with --pid\n");
        }
        boolean measured = r.samples().stream().anyMatch(s -> !Double.isNaN(s.gauges().threads()) || !Double.isNaN(s.gauges().fds()));
        out.append(!measured ? "nothing measured: no /metrics and no --pid\n"
                : r.clean() ? "no leak: threads, descriptors and live heap flat" + (Double.isNaN(r.sessionsAfter()) ? "\n" : "; every session ended\n")
                : "LEAK? " + String.join("; ", r.growth()) + (r.sessionsAfter() == 0 || Double.isNaN(r.sessionsAfter()) ? "" : "; sessions left after the load: " + num(r.sessionsAfter(), 1)) + "\n");
        return out.toString();
    }

    private static String num(double v, double unit) {
        return Double.isNaN(v) ? "-" : unit == 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v / unit);
    }

    private static void sleep(long millis) {
        sleep(millis, 0);
    }

    private static void sleep(long millis, int nanos) {
        try {
            Thread.sleep(millis, nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
