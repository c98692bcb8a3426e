package dev.openenv.envs.bench;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.openenv.core.Action;
import dev.openenv.core.BasicState;
import dev.openenv.core.Bounds;
import dev.openenv.core.Default;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentMetadata;
import dev.openenv.core.OpenEnvException;
import dev.openenv.core.Episode;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The benchmark environment of the reference's scaling study, with the same wire shapes: {@code step}
 * does trivial work (echoes {@code payload}) after sleeping {@code wait_seconds}; reward 1 per step.
 * {@code session_hash} identifies the instance and {@code pid} the server process, so a load generator
 * can check that sessions are isolated.
 */
public final class BenchEnvironment implements Environment<BenchEnvironment.BenchAction, BenchEnvironment.BenchObservation, BasicState> {
    private static final long PID = ProcessHandle.current().pid();

    @JsonClassDescription("Sleep for wait_seconds, echo payload.")
    public record BenchAction(
            @Default("0.0") @Bounds(ge = 0, le = 60) @JsonPropertyDescription("Seconds step() sleeps") double waitSeconds,
            @Default("\"\"") @JsonPropertyDescription("Echoed back in the observation") String payload) implements Action {}

    @JsonClassDescription("What one benchmark step reports.")
    public record BenchObservation(
            @Default("\"\"") @JsonPropertyDescription("The action's payload") String payload,
            @Default("0.0") @JsonPropertyDescription("Seconds step() slept") double waitedSeconds,
            @Default("0") @Bounds(ge = 0) @JsonPropertyDescription("Steps taken in this episode") int stepCount,
            @Default("\"\"") @JsonPropertyDescription("Identifies the environment instance") String sessionHash,
            @Default("0") @JsonPropertyDescription("Server process id") long pid) {}

    private final String sessionHash = HexFormat.of().formatHex(randomBytes());
    private final Episode episode = new Episode();

    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    @Override
    public StepResult<BenchObservation> reset(ResetRequest request) {
        episode.begin(request);
        return StepResult.of(new BenchObservation("", 0.0, 0, sessionHash, PID), 0.0);
    }

    @Override
    public StepResult<BenchObservation> step(BenchAction action) {
        if (action.waitSeconds() > 0) {
            try {
                Thread.sleep((long) (action.waitSeconds() * 1000), (int) ((action.waitSeconds() * 1e9) % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OpenEnvException("step interrupted while waiting", e);
            }
        }
        episode.countStep();
        return StepResult.of(new BenchObservation(action.payload(), action.waitSeconds(), episode.steps(), sessionHash, PID), 1.0);
    }

    @Override
    public BasicState state() {
        return episode.state();
    }

    @Override
    public EnvironmentMetadata metadata() {
        return new EnvironmentMetadata("bench_env", "Benchmark environment: trivial step with an optional sleep", null,
                "1.0.0", null, null);
    }
}
