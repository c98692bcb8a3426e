package dev.openenv.server;

import dev.openenv.core.Action;
import dev.openenv.core.BasicState;
import dev.openenv.core.Environment;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.State;
import dev.openenv.core.StepResult;
import dev.openenv.envs.echo.EchoAction;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.envs.echo.EchoObservation;
import java.util.concurrent.atomic.AtomicInteger;

/** Another environment counting how many instances were built and closed, and optionally holding each step first. */
final class CountingEnvironment<A extends Action, O, S extends State> implements Environment<A, O, S> {
    private final Environment<A, O, S> inner;
    private final AtomicInteger closed;
    private final Runnable beforeStep;

    CountingEnvironment(Environment<A, O, S> inner, AtomicInteger created, AtomicInteger closed, Runnable beforeStep) {
        this.inner = inner;
        this.closed = closed;
        this.beforeStep = beforeStep;
        created.incrementAndGet();
    }

    /** The echo environment, counted. */
    static CountingEnvironment<EchoAction, EchoObservation, BasicState> echo(AtomicInteger created, AtomicInteger closed) {
        return new CountingEnvironment<>(new EchoEnvironment(), created, closed, () -> {});
    }

    @Override
    public StepResult<O> reset(ResetRequest request) {
        return inner.reset(request);
    }

    @Override
    public StepResult<O> step(A action) {
        beforeStep.run();
        return inner.step(action);
    }

    @Override
    public S state() {
        return inner.state();
    }

    @Override
    public void close() {
        closed.incrementAndGet();
    }
}
