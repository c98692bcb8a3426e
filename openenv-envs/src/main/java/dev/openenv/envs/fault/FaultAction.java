package dev.openenv.envs.fault;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.openenv.core.Action;
import dev.openenv.core.Default;

/** What the fault environment should do on this step: fail, take its time, or just answer. */
public record FaultAction(
        @JsonPropertyDescription("Throw from step() so the server reports an execution error")
        @Default("false") boolean raiseError,
        @JsonPropertyDescription("Seconds to sleep inside step() before answering")
        @Default("0") double sleepS,
        @JsonPropertyDescription("Text echoed back in the observation")
        @Default("\"\"") String message) implements Action {

    public FaultAction {
        if (sleepS < 0 || Double.isNaN(sleepS)) {
            throw new IllegalArgumentException("sleep_s must be >= 0");
        }
    }
}
