package dev.openenv.core;

import java.util.Objects;

/**
 * What {@code GET /metadata} returns. Optional members are sent as {@code null} when unset.
 */
public record EnvironmentMetadata(
        String name,
        String description,
        String readmeContent,
        String version,
        String author,
        String documentationUrl) {

    public EnvironmentMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
    }

    /** The reference's default for an environment: its name, "&lt;name&gt; environment", version 1.0.0. */
    public static EnvironmentMetadata defaultFor(String name) {
        return new EnvironmentMetadata(name, name + " environment", null, "1.0.0", null, null);
    }
}
