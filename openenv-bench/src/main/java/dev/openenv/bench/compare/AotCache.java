package dev.openenv.bench.compare;

import java.nio.file.Path;

/** Where the server's ahead-of-time cache (JDK 25, JEP 483/514) lives: beside the jar it was trained for. */
final class AotCache {
    private AotCache() {}

    static Path pathFor(Path jar) {
        return jar.resolveSibling("openenv.aot");
    }
}
