package dev.openenv.envs.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.core.OpenEnvException;
import dev.openenv.core.ResetRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fault environment fails exactly when asked: by action, by sleeping, or at construction. */
@Timeout(30)
class FaultRulesTest {
    final FaultEnvironment env = new FaultEnvironment(Map.of());

    @Test
    void anOrdinaryStepEchoesTheMessageWithRewardOne() {
        var reset = env.reset(ResetRequest.none().withEpisodeId("f"));
        assertThat(reset.observation()).isEqualTo(new FaultObservation("ready", 0.0));
        var r = env.step(new FaultAction(false, 0, "hello"));
        assertThat(r.observation()).isEqualTo(new FaultObservation("hello", 0.0));
        assertThat(r.reward()).isEqualTo(1.0);
        assertThat(r.done()).isFalse();
        assertThat(env.state().stepCount()).isEqualTo(1);
        assertThat(env.state().episodeId()).isEqualTo("f");
    }

    @Test
    void raiseErrorThrowsAndTheStepStillCounts() {
        env.reset();
        assertThatThrownBy(() -> env.step(new FaultAction(true, 0, "x")))
                .isInstanceOf(OpenEnvException.class).hasMessageContaining("raise_error");
        assertThat(env.state().stepCount()).isEqualTo(1);
        assertThat(env.step(new FaultAction(false, 0, "after")).observation().message()).isEqualTo("after");
    }

    @Test
    void sleepSDelaysTheAnswerAtLeastThatLong() {
        env.reset();
        long start = System.nanoTime();
        var r = env.step(new FaultAction(false, 0.2, "slow"));
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(200);
        assertThat(r.observation().sleptS()).isEqualTo(0.2);
    }

    @Test
    void sleepingThenRaisingDoesBoth() {
        env.reset();
        long start = System.nanoTime();
        assertThatThrownBy(() -> env.step(new FaultAction(true, 0.1, ""))).isInstanceOf(OpenEnvException.class);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(100);
    }

    @Test
    void anInterruptedSleepFailsAndKeepsTheInterruptFlag() {
        env.reset();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> env.step(new FaultAction(false, 5, ""))).isInstanceOf(OpenEnvException.class)
                    .hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void negativeOrNanSleepsAreRejected() {
        assertThatThrownBy(() -> new FaultAction(false, -1, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FaultAction(false, Double.NaN, "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFactoryFailsWhenTheEnvironmentVariableSaysSo() {
        for (String on : new String[] {"1", "true", "TRUE"}) {
            assertThatThrownBy(() -> new FaultEnvironment(Map.of("FAULT_ENV_FAIL_FACTORY", on)))
                    .as(on).isInstanceOf(OpenEnvException.class);
        }
        for (String off : new String[] {"0", "", "no"}) {
            new FaultEnvironment(Map.of("FAULT_ENV_FAIL_FACTORY", off)).reset();
        }
    }

    @Test
    void resetStartsANewEpisode() {
        env.reset();
        env.step(new FaultAction(false, 0, "a"));
        String before = env.state().episodeId();
        env.reset();
        assertThat(env.state().stepCount()).isZero();
        assertThat(env.state().episodeId()).isNotEqualTo(before);
    }
}
