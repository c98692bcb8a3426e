package dev.openenv.envs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The README bundled next to an environment's classes, for {@code GET /metadata}'s {@code readme_content}. */
public final class Readmes {
    private Readmes() {}

    /** The README.md in {@code environmentClass}'s package, or null when there is none. */
    public static String of(Class<?> environmentClass) {
        String path = "/" + environmentClass.getPackageName().replace('.', '/') + "/README.md";
        try (InputStream in = environmentClass.getResourceAsStream(path)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** The {@code /metadata} of a bundled environment: its name, description, bundled README, version 1.0.0. */
    public static dev.openenv.core.EnvironmentMetadata metadata(Class<?> environmentClass, String name, String description) {
        return new dev.openenv.core.EnvironmentMetadata(name, description, of(environmentClass), "1.0.0", "OpenEnv for Java", null);
    }
}
