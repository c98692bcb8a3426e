package dev.openenv.bench;

import java.time.Duration;

/** Package-private parts of {@link Main} for tests in other packages. */
public final class MainAccess {
    private MainAccess() {}

    public static Duration duration(String text) {
        return Main.duration(text);
    }
}
