package dev.openenv.bench.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Connect/kill cycles: each opens a {@code /ws} session, resets it, waits for the answer and then dies
 * the way crashing trainers do: even cycles with a TCP reset, odd ones closing the socket without a
 * close frame; every {@code midStepEvery}-th sends a step first and dies without reading its answer.
 * Afterwards it waits for the server to report no active session and says how long that took.
 */
public final class Churn {
    static final String RESET = "{\"type\":\"reset\",\"data\":{}}";

    /** What to run. */
    public record Plan(URI base, int cycles, int concurrency, int midStepEvery, String stepData, Duration timeout, Duration settle) {
        public static Plan of(String base, int cycles, int concurrency) {
            return new Plan(URI.create(base), cycles, concurrency, 10, "{}", Duration.ofSeconds(10), Duration.ofSeconds(10));
        }
    }

    /**
     * What happened.
     *
     * @param freedMillis   time from the last disconnect until the server reported zero sessions; -1 when it did not
     *                      within the settle time, -2 when the server reports no sessions count ({@code /metrics})
     * @param sessionsLeft  sessions the server still reported at the end (NaN when unknown)
     */
    public record Result(int cycles, double seconds, long served, long refused, Map<String, Long> failures,
                         long freedMillis, double sessionsLeft, String warning) {
        public double cyclesPerSecond() {
            return cycles / seconds;
        }

        public boolean clean() {
            return freedMillis >= 0 && sessionsLeft == 0;
        }

        public String describe() {
            String freed = freedMillis >= 0 ? "slots freed " + freedMillis + " ms after the last disconnect"
                    : freedMillis == -2 ? "sessions unknown (the server has no /metrics)"
                    : "SESSIONS LEFT: " + (long) sessionsLeft + " still active after the settle time";
            return String.format(java.util.Locale.ROOT, "%scycles=%d in %.1f s (%.0f/s) served=%d refused=%d failures=%s; %s",
                    warning.isEmpty() ? "" : "warning: " + warning + "\n", cycles, seconds, cyclesPerSecond(), served, refused, failures, freed);
        }
    }

    private Churn() {}

    /** Runs {@code plan} and reports. */
    public static Result run(Plan plan) throws InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            // the HTTP client's first request costs a cold JVM hundreds of ms: pay it before, not inside, the slot-freeing time
            ServerGauges.scrape(http, plan.base());
            String warning = plan.midStepEvery() > 0 ? checkStep(plan) : "";
            return run(plan, http, warning);
        }
    }

    private static Result run(Plan plan, HttpClient http, String warning) throws InterruptedException {
        var next = new AtomicInteger();
        var served = new LongAdder();
        var refused = new LongAdder();
        Map<String, Long> failures = new ConcurrentHashMap<>();
        long started = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < plan.concurrency(); w++) {
            workers.add(Thread.ofVirtual().name("churn-" + w).start(() -> {
                for (int i = next.getAndIncrement(); i < plan.cycles(); i = next.getAndIncrement()) {
                    switch (cycle(plan, i)) {
                        case Outcome.Served s -> served.increment();
                        case Outcome.Refused r -> refused.increment();
                        case Outcome.Failed f -> failures.merge(f.why(), 1L, Long::sum);
                    }
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        long lastDisconnect = System.nanoTime();
        double seconds = (lastDisconnect - started) / 1e9;
        double sessions = ServerGauges.read(http, plan.base(), 0).sessions();
        if (Double.isNaN(sessions)) {
            return new Result(plan.cycles(), seconds, served.sum(), refused.sum(), new TreeMap<>(failures), -2, Double.NaN, warning);
        }
        long deadline = lastDisconnect + plan.settle().toNanos();
        while (sessions != 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
            sessions = ServerGauges.read(http, plan.base(), 0).sessions();
        }
        long freed = sessions == 0 ? (System.nanoTime() - lastDisconnect) / 1_000_000 : -1;
        return new Result(plan.cycles(), seconds, served.sum(), refused.sum(), new TreeMap<>(failures), freed, sessions, warning);
    }

    /**
     * Whether the mid-step kills' action is one the environment accepts: if not, the server answers it
     * with a validation error and those kills never reach {@code step()}. Empty when it is accepted.
     */
    static String checkStep(Plan plan) {
        try (WsSocket ws = WsSocket.open(plan.base(), (int) plan.timeout().toMillis())) {
            ws.sendText(RESET);
            if (!ws.next().text().contains("\"observation\"")) {
                return ""; // refused or failing: the cycles will say so
            }
            ws.sendText(step(plan));
            String reply = ws.next().text();
            ws.vanish();
            return reply.contains("\"observation\"") ? ""
                    : "the step action " + plan.stepData() + " was not accepted (" + abbreviate(reply)
                    + "): mid-step kills do not reach step(); pass a valid one with --step-data";
        } catch (IOException e) {
            return "";
        }
    }

    private static String step(Plan plan) {
        return "{\"type\":\"step\",\"data\":" + plan.stepData() + "}";
    }

    /** How one cycle went. */
    sealed interface Outcome {
        record Served() implements Outcome {}

        record Refused() implements Outcome {}

        record Failed(String why) implements Outcome {}
    }

    /** One connect/reset/kill cycle, number {@code i} of the plan (its number decides how it dies). */
    static Outcome cycle(Plan plan, int i) {
        try (WsSocket ws = WsSocket.open(plan.base(), (int) plan.timeout().toMillis())) {
            ws.sendText(RESET);
            WsSocket.Frame reply = ws.next();
            Outcome outcome;
            if (reply.opcode() == WsSocket.CLOSE) {
                outcome = new Outcome.Failed("closed by the server at reset");
            } else if (reply.text().contains("CAPACITY_REACHED")) {
                outcome = new Outcome.Refused();
            } else if (reply.text().contains("\"observation\"")) {
                outcome = new Outcome.Served();
            } else {
                outcome = new Outcome.Failed("unexpected reply to reset: " + abbreviate(reply.text()));
            }
            if (plan.midStepEvery() > 0 && i % plan.midStepEvery() == 0 && outcome instanceof Outcome.Served) {
                ws.sendText(step(plan)); // and die before its answer
            }
            if (i % 2 == 0) {
                ws.reset();
            } else {
                ws.vanish();
            }
            return outcome;
        } catch (IOException e) {
            return new Outcome.Failed(e.getClass().getSimpleName() + ": " + abbreviate(String.valueOf(e.getMessage())));
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
