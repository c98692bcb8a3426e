package dev.openenv.envs.connect4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.ResetRequest;
import dev.openenv.envs.connect4.ConnectFourEnvironment.Drop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reward's parts, read through the environment's rubric as training code would. */
@Timeout(30)
class ConnectFourRubricTest {
    final ConnectFourEnvironment env = new ConnectFourEnvironment();

    @Test
    void aWonGameIsScoredByTheOutcomeAndDiscountedBackOverTheLegalMoves() {
        env.reset(ResetRequest.seeded(1).withOption("opponent", "minimax").withOption("depth", 1));
        var rubric = (ConnectFourRubric) env.rubric().orElseThrow();
        assertThat(rubric.namedRubrics().keySet()).containsExactly("legal_move", "outcome");

        env.step(new Drop(3));
        assertThat(env.step(new Drop(9)).reward()).isEqualTo(-0.1);
        assertThat(rubric.componentScores()).containsEntry("legal_move", 0.0);
        env.step(new Drop(2));
        env.step(new Drop(1));
        var win = env.step(new Drop(0));
        assertThat(win.reward()).isEqualTo(1.0);
        assertThat(rubric.componentScores()).containsEntry("legal_move", 1.0).containsEntry("outcome", 1.0);
        // Four legal moves: 0.99^3, 0.99^2, 0.99, 1; the refused move is not part of the trajectory.
        assertThat(rubric.outcome().computeStepRewards()).containsExactly(0.970299, 0.9801, 0.99, 1.0); // Python: [0.99 ** (3 - t) for t in range(4)]

        assertThat(env.step(new Drop(4)).reward()).isEqualTo(0.0);   // after the end
        env.reset(1L);
        assertThat(rubric.outcome().trajectory()).isEmpty();
    }
}
