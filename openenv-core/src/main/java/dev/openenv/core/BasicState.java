package dev.openenv.core;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A state with only the protocol's base fields, for environments that expose nothing more. Its JSON
 * Schema is the reference's base {@code State} schema, title and description included.
 */
@JsonClassDescription("Base class for environment state.\n\nRepresents internal environment state, separate from observations.")
public record BasicState(
        @JsonPropertyDescription("Unique identifier for the current episode") @Default("null") String episodeId,
        @JsonPropertyDescription("Number of steps taken in the current episode") @Default("0") @Bounds(ge = 0) int stepCount)
        implements State {
    public BasicState {
        if (stepCount < 0) {
            throw new IllegalArgumentException("step_count must be >= 0, got " + stepCount);
        }
    }
}
