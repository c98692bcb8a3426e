package dev.openenv.server;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.BasicState;
import dev.openenv.core.Environment;
import dev.openenv.envs.echo.EchoAction;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.envs.echo.EchoObservation;
import dev.openenv.core.StepResult;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The echo environment, counting how many instances were built and closed. */
final class CountingEnvironment implements Environment<EchoAction, EchoObservation, BasicState> {
    final AtomicInteger created;
    final AtomicInteger closed;
    private final EchoEnvironment echo = new EchoEnvironment();

    CountingEnvironment(AtomicInteger created, AtomicInteger closed) {
        this.created = created;
        this.closed = closed;
        created.incrementAndGet();
    }

    @Override
    public StepResult<EchoObservation> reset(ResetRequest request) {
        return echo.reset(request);
    }

    @Override
    public StepResult<EchoObservation> step(EchoAction action) {
        return echo.step(action);
    }

    @Override
    public BasicState state() {
        return echo.state();
    }

    @Override
    public void close() {
        closed.incrementAndGet();
    }
}
