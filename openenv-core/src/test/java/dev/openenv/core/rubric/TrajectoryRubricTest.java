package dev.openenv.core.rubric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.openenv.core.StepResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TrajectoryRubricTest {
    /** Scores 1.0 when the last observation says "won", else 0.0. */
    private static ExponentialDiscountingTrajectoryRubric<Integer, String> winLoss(double gamma) {
        return ExponentialDiscountingTrajectoryRubric.of(gamma, 0.0,
                trajectory -> trajectory.getLast().result().observation().equals("won") ? 1.0 : 0.0);
    }

    private static StepResult<String> going() {
        return StepResult.of("going", null);
    }

    private static StepResult<String> won() {
        return StepResult.of("won", null, true);
    }

    @Test
    void stepsScoreTheIntermediateRewardUntilDoneThenTheTrajectoryScore() {
        var rubric = ExponentialDiscountingTrajectoryRubric.<Integer, String>of(0.9, 0.05,
                t -> t.size() / 10.0);
        assertThat(rubric.score(1, going())).isEqualTo(0.05);
        assertThat(rubric.score(2, going())).isEqualTo(0.05);
        assertThat(rubric.score(3, won())).isEqualTo(0.3);
        assertThat(rubric.trajectory()).extracting(TrajectoryRubric.Step::action).containsExactly(1, 2, 3);
        assertThat(rubric.intermediateReward()).isEqualTo(0.05);
    }

    @Test
    void discountingGivesTheLastStepTheFullScoreAndEarlierStepsGammaPowers() {
        var rubric = winLoss(0.5);
        rubric.score(0, going());
        rubric.score(1, going());
        rubric.score(2, going());
        rubric.score(3, won());
        // r_t = gamma^(T-1-t) * R with T = 4, R = 1
        assertThat(rubric.computeStepRewards()).containsExactly(0.125, 0.25, 0.5, 1.0);
    }

    @Test
    void discountingWithTheDefaultGamma() {
        var rubric = winLoss(0.99);
        for (int i = 0; i < 9; i++) {
            rubric.score(i, going());
        }
        rubric.score(9, won());
        List<Double> rewards = rubric.computeStepRewards();
        assertThat(rewards).hasSize(10);
        assertThat(rewards.get(0)).isCloseTo(Math.pow(0.99, 9), within(1e-15)).isCloseTo(0.9135172474836408, within(1e-15));
        assertThat(rewards.get(9)).isEqualTo(1.0);
    }

    @Test
    void gammaOneSharesEquallyAndGammaZeroRewardsOnlyTheLastStep() {
        var one = winLoss(1.0);
        var zero = winLoss(0.0);
        for (var r : List.of(one, zero)) {
            r.score(0, going());
            r.score(1, going());
            r.score(2, won());
        }
        assertThat(one.computeStepRewards()).containsExactly(1.0, 1.0, 1.0);
        assertThat(zero.computeStepRewards()).containsExactly(0.0, 0.0, 1.0);
    }

    @Test
    void aLostGameDiscountsZeroAndAnEmptyTrajectoryHasNoRewards() {
        var rubric = winLoss(0.9);
        assertThat(rubric.computeStepRewards()).isEmpty();
        rubric.score(0, going());
        rubric.score(1, StepResult.of("lost", null, true));
        assertThat(rubric.computeStepRewards()).containsExactly(0.0, 0.0);
    }

    @Test
    void resetForgetsTheTrajectory() {
        var rubric = winLoss(0.9);
        rubric.score(0, going());
        rubric.reset();
        assertThat(rubric.trajectory()).isEmpty();
        rubric.score(1, won());
        assertThat(rubric.computeStepRewards()).containsExactly(1.0);
    }

    @Test
    void gammaOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> winLoss(1.01)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gamma must be in [0, 1], got 1.01");
        assertThatThrownBy(() -> winLoss(-0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> winLoss(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSubclassWithTheDefaultsUsesGamma099AndZeroIntermediateReward() {
        var rubric = new ExponentialDiscountingTrajectoryRubric<Integer, String>() {
            @Override
            protected double scoreTrajectory(List<Step<Integer, String>> trajectory) {
                return 0.5;
            }
        };
        assertThat(rubric.gamma()).isEqualTo(0.99);
        assertThat(rubric.score(0, going())).isZero();
        assertThat(rubric.score(1, won())).isEqualTo(0.5);
        assertThat(rubric.computeStepRewards()).containsExactly(0.5 * 0.99, 0.5);
    }

    @Test
    void aTrajectoryRubricInsideAContainerIsResetWithIt() {
        var outcome = winLoss(0.9);
        var tree = new Gate<>(outcome, 0.0);
        tree.score(0, going());
        tree.reset();
        assertThat(outcome.trajectory()).isEmpty();
    }
}
