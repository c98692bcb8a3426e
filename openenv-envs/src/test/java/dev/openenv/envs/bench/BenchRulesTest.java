package dev.openenv.envs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.envs.bench.BenchEnvironment.BenchAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The benchmark environment: echoes the payload after the requested wait, one reward per step. */
@Timeout(30)
class BenchRulesTest {
    final BenchEnvironment env = new BenchEnvironment();

    @Test
    void aStepEchoesThePayloadCountsAndRewardsOne() {
        var reset = env.reset();
        assertThat(reset.observation().stepCount()).isZero();
        assertThat(reset.observation().payload()).isEmpty();
        var first = env.step(new BenchAction(0, "p1"));
        var second = env.step(new BenchAction(0, "p2"));
        assertThat(first.observation().payload()).isEqualTo("p1");
        assertThat(first.observation().stepCount()).isEqualTo(1);
        assertThat(second.observation().stepCount()).isEqualTo(2);
        assertThat(second.reward()).isEqualTo(1.0);
        assertThat(second.done()).isFalse();
        assertThat(env.state().stepCount()).isEqualTo(2);
    }

    @Test
    void waitSecondsDelaysTheStep() {
        env.reset();
        long start = System.nanoTime();
        var r = env.step(new BenchAction(0.15, ""));
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(150);
        assertThat(r.observation().waitedSeconds()).isEqualTo(0.15);
    }

    @Test
    void theSessionHashNamesTheInstanceAndThePidTheProcess() {
        var other = new BenchEnvironment();
        String hash = env.reset().observation().sessionHash();
        assertThat(hash).matches("[0-9a-f]{12}");
        assertThat(env.step(new BenchAction(0, "")).observation().sessionHash()).isEqualTo(hash);
        assertThat(env.reset().observation().sessionHash()).isEqualTo(hash);
        assertThat(other.reset().observation().sessionHash()).isNotEqualTo(hash);
        assertThat(env.reset().observation().pid()).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void resetStartsCountingAgain() {
        env.reset();
        env.step(new BenchAction(0, ""));
        assertThat(env.reset().observation().stepCount()).isZero();
        assertThat(env.step(new BenchAction(0, "")).observation().stepCount()).isEqualTo(1);
    }
}
