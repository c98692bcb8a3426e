package dev.openenv.runtime.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The JDK's ahead-of-time cache of a server jar (JEP 483/514), found the way {@code ./openenv} finds it:
 * {@code openenv.aot} beside the jar, made after it (a cache older than its jar was trained on other classes;
 * the JVM would refuse it, with a warning, and start slowly anyway). {@code ./openenv serve} trains
 * one at first use ({@code scripts/train-aot}, which {@code scripts/bench} runs too); with it the
 * server answers its first reset in about half the time.
 */
public final class AotCaches {
    private AotCaches() {}

    /** {@code -XX:AOTCache=PATH} for {@code jar}, when a fresh cache is there and this JVM (24+) reads one. */
    public static Optional<String> optionFor(Path jar) {
        Path aot = jar.toAbsolutePath().resolveSibling("openenv.aot");
        try {
            if (Runtime.version().feature() >= 24 && Files.isRegularFile(aot)
                    && Files.getLastModifiedTime(aot).compareTo(Files.getLastModifiedTime(jar)) >= 0) {
                return Optional.of("-XX:AOTCache=" + aot);
            }
        } catch (IOException e) {
            // no cache, then
        }
        return Optional.empty();
    }
}
