package dev.openenv.envs.fault;

import dev.openenv.core.BasicState;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentMetadata;
import dev.openenv.core.OpenEnvException;
import dev.openenv.core.Episode;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import java.util.Map;

/**
 * A diagnostic environment that fails on demand, for testing how clients and servers handle errors:
 * a step can throw ({@code raise_error}) or sleep ({@code sleep_s}), and with the environment variable
 * {@code FAULT_ENV_FAIL_FACTORY=1} every construction fails, so the server answers {@code FACTORY_ERROR}.
 */
public final class FaultEnvironment implements Environment<FaultAction, FaultObservation, BasicState> {
    private final Episode episode = new Episode();

    public FaultEnvironment() {
        this(System.getenv());
    }

    FaultEnvironment(Map<String, String> environment) {
        String fail = environment.getOrDefault("FAULT_ENV_FAIL_FACTORY", "");
        if (fail.equals("1") || fail.equalsIgnoreCase("true")) {
            throw new OpenEnvException("fault environment refuses to start (FAULT_ENV_FAIL_FACTORY is set)");
        }
    }

    @Override
    public StepResult<FaultObservation> reset(ResetRequest request) {
        episode.begin(request);
        return StepResult.of(new FaultObservation("ready", 0.0), 0.0);
    }

    @Override
    public StepResult<FaultObservation> step(FaultAction action) {
        episode.countStep();
        if (action.sleepS() > 0) {
            try {
                Thread.sleep((long) (action.sleepS() * 1000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OpenEnvException("fault step interrupted while sleeping");
            }
        }
        if (action.raiseError()) {
            throw new OpenEnvException("fault requested by the action (raise_error=true)");
        }
        return StepResult.of(new FaultObservation(action.message(), action.sleepS()), 1.0);
    }

    @Override
    public BasicState state() {
        return episode.state();
    }

    @Override
    public EnvironmentMetadata metadata() {
        return new EnvironmentMetadata("FaultEnvironment",
                "Fails on demand (raise_error, sleep_s, FAULT_ENV_FAIL_FACTORY) to exercise error handling.",
                null, "1.0.0", "OpenEnv for Java", null);
    }
}
