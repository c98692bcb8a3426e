package dev.openenv.envs.coding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.StepResult;
import dev.openenv.envs.coding.CodingEnvironment.CodeAction;
import dev.openenv.envs.coding.CodingEnvironment.CodeObservation;
import dev.openenv.envs.coding.CodingEnvironment.Language;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rubric on hand-made observations: the same rewards the environment always gave, now with parts. */
@Timeout(10)
class CodingRubricTest {
    final CodingRubric rubric = new CodingRubric();
    final CodeAction code = new CodeAction("print(1)", Language.PYTHON);

    double score(int exit, boolean timedOut) {
        return rubric.score(code, StepResult.of(new CodeObservation("", "", exit, timedOut), null));
    }

    @Test
    void cleanExitFailureAndLimitScoreOneZeroAndMinusOne() {
        assertThat(score(0, false)).isEqualTo(1.0);
        assertThat(rubric.componentScores()).containsExactly(Map.entry("within_limits", 1.0), Map.entry("exits_cleanly", 1.0));
        assertThat(score(1, false)).isEqualTo(0.0);
        assertThat(score(124, true)).isEqualTo(-1.0);
        assertThat(rubric.componentScores()).containsExactly(Map.entry("within_limits", 0.0), Map.entry("exits_cleanly", 0.0));
        assertThat(score(137, false)).isEqualTo(-1.0);
        assertThat(score(0, true)).isEqualTo(-1.0);
    }
}
