package dev.openenv.server.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Deadline polls for tests: wait for a condition, not for a guessed time. */
public final class Await {
    private Await() {}

    /** Polls {@code condition} every 10 ms until it holds; fails naming {@code what} after 10 s. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, Duration.ofSeconds(10), condition);
    }

    /** Polls {@code condition} every 10 ms until it holds; fails naming {@code what} after {@code limit}. */
    public static void until(String what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
    }
}
