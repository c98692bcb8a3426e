package dev.openenv.core;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs work on the current thread within a time budget: when the budget runs out the thread is
 * interrupted, and the caller learns the work overran whatever it returned.
 */
public final class TimeBudget {
    private TimeBudget() {}

    /** Thrown by {@link #call} when the budget ran out. */
    public static final class Exceeded extends OpenEnvException {
        private final Duration budget;

        public Exceeded(Duration budget) {
            super("exceeded its time budget of " + seconds(budget) + " s");
            this.budget = budget;
        }

        public Duration budget() {
            return budget;
        }
    }

    /**
     * Calls {@code work}; with a {@code null} budget simply calls it.
     *
     * @throws Exceeded when the budget ran out (the work was interrupted)
     */
    public static <T> T call(Duration budget, Callable<T> work) throws Exception {
        if (budget == null) {
            return work.call();
        }
        Thread self = Thread.currentThread();
        var finished = new AtomicBoolean();
        var expired = new AtomicBoolean();
        Thread alarm = Thread.ofVirtual().name("openenv-time-budget").start(() -> {
            try {
                Thread.sleep(budget);
            } catch (InterruptedException e) {
                return; // the work finished first
            }
            synchronized (finished) {
                if (!finished.get()) {
                    expired.set(true);
                    self.interrupt();
                }
            }
        });
        try {
            T value = work.call();
            if (expired.get()) {
                throw new Exceeded(budget);
            }
            return value;
        } catch (InterruptedException | RuntimeException e) {
            if (expired.get()) {
                throw new Exceeded(budget);
            }
            throw e;
        } finally {
            synchronized (finished) {
                finished.set(true);
            }
            alarm.interrupt();
            Thread.interrupted(); // never leak the alarm's interrupt into later work
        }
    }

    /** Seconds as the reference prints them: {@code 30}, {@code 0.5}. */
    public static String seconds(Duration d) {
        double s = d.toNanos() / 1e9;
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }
}
