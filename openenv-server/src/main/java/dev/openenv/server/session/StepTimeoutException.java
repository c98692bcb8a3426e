package dev.openenv.server.session;

import dev.openenv.core.OpenEnvException;
import java.time.Duration;

/** An environment call ran past its budget and was interrupted. */
public final class StepTimeoutException extends OpenEnvException {
    private final Duration budget;

    public StepTimeoutException(Duration budget) {
        super("Step exceeded its timeout of " + seconds(budget) + " s and was interrupted");
        this.budget = budget;
    }

    public Duration budget() {
        return budget;
    }

    static String seconds(Duration d) {
        double s = d.toNanos() / 1e9;
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }
}
