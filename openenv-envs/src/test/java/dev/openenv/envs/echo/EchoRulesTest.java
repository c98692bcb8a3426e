package dev.openenv.envs.echo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.ResetRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The echo environment: the message back, its length in code points, 0.1 reward per code point. */
@Timeout(30)
class EchoRulesTest {
    final EchoEnvironment env = new EchoEnvironment();

    @Test
    void resetGreetsWithNothingEchoed() {
        var r = env.reset(ResetRequest.none().withEpisodeId("ep-1"));
        assertThat(r.observation()).isEqualTo(new EchoObservation("Echo environment ready!", 0));
        assertThat(r.reward()).isEqualTo(0.0);
        assertThat(r.done()).isFalse();
        assertThat(env.state().episodeId()).isEqualTo("ep-1");
        assertThat(env.state().stepCount()).isZero();
    }

    @Test
    void aMessageComesBackWithItsLengthAndATenthPerCharacter() {
        env.reset();
        var r = env.step(new EchoAction("hello"));
        assertThat(r.observation()).isEqualTo(new EchoObservation("hello", 5));
        assertThat(r.reward()).isEqualTo(0.5);
        assertThat(r.done()).isFalse();
        assertThat(r.metadata()).isEqualTo(Map.of("original_message", "hello", "step", 1));
    }

    @Test
    void anEmptyMessageEarnsNothing() {
        env.reset();
        var r = env.step(new EchoAction(""));
        assertThat(r.observation().messageLength()).isZero();
        assertThat(r.reward()).isEqualTo(0.0);
    }

    @Test
    void lengthsCountCodePointsAsPythonDoes() {
        env.reset();
        // é is one char, the emoji two UTF-16 chars but one code point: len('héllo😀') == 6 in Python
        var r = env.step(new EchoAction("héllo😀"));
        assertThat(r.observation().messageLength()).isEqualTo(6);
        assertThat(r.reward()).isCloseTo(0.6, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void stepsCountUpAndResetStartsAFreshEpisode() {
        env.reset(ResetRequest.none().withEpisodeId("a"));
        env.step(new EchoAction("x"));
        var second = env.step(new EchoAction("yy"));
        assertThat(second.metadata()).containsEntry("step", 2);
        assertThat(env.state().stepCount()).isEqualTo(2);
        env.reset();
        assertThat(env.state().stepCount()).isZero();
        assertThat(env.state().episodeId()).isNotEqualTo("a").isNotBlank();
        assertThat(env.step(new EchoAction("z")).metadata()).containsEntry("step", 1);
    }
}
