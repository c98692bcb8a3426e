package dev.openenv.envs.connect4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import dev.openenv.envs.connect4.ConnectFourEnvironment.Board;
import dev.openenv.envs.connect4.ConnectFourEnvironment.Drop;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connect Four rules on hand-made positions. A minimax opponent of depth 1 looks only at its own next
 * move: it wins when it can, else it drops into column 3 while column 3 has room (its heuristic counts
 * column 3), which makes whole games predictable by hand.
 */
@Timeout(30)
class ConnectFourRulesTest {
    final ConnectFourEnvironment env = new ConnectFourEnvironment();

    /** Rows top to bottom: X the agent (1), O the opponent (-1), . empty. */
    static List<List<Integer>> grid(String... rows) {
        List<List<Integer>> out = new ArrayList<>();
        for (String row : rows) {
            out.add(row.chars().map(ch -> ch == 'X' ? 1 : ch == 'O' ? -1 : 0).boxed().toList());
        }
        return out;
    }

    StepResult<Board> drop(int column) {
        return env.step(new Drop(column));
    }

    void resetAgainst(String opponent, int depth) {
        env.reset(ResetRequest.seeded(1).withOption("opponent", opponent).withOption("depth", depth));
    }

    @Test
    void fourInTheBottomRowWinsForTheAgent() {
        resetAgainst("minimax", 1);
        for (int column : new int[] {3, 2, 1}) {
            var r = drop(column);
            assertThat(r.observation().opponentColumn()).isEqualTo(3);
            assertThat(r.done()).isFalse();
            assertThat(r.reward()).isEqualTo(0.0);
        }
        var win = drop(0);
        assertThat(win.reward()).isEqualTo(1.0);
        assertThat(win.done()).isTrue();
        assertThat(win.observation().winner()).isEqualTo("agent");
        assertThat(win.observation().legalActions()).isEmpty();
        assertThat(win.observation().board()).isEqualTo(grid(
                ".......",
                ".......",
                "...O...",
                "...O...",
                "...O...",
                "XXXX..."));
        assertThat(env.state().stepCount()).isEqualTo(4);
        assertThat(env.state().winner()).isEqualTo("agent");
    }

    @Test
    void fourStackedInAColumnWinsForTheAgent() {
        resetAgainst("minimax", 1);
        drop(0);
        drop(0);
        drop(0);
        var win = drop(0);
        assertThat(win.reward()).isEqualTo(1.0);
        assertThat(win.done()).isTrue();
        assertThat(win.observation().board()).isEqualTo(grid(
                ".......",
                ".......",
                "X......",
                "X..O...",
                "X..O...",
                "X..O..."));
    }

    @Test
    void anOpponentColumnOfFourIsALoss() {
        resetAgainst("minimax", 1);
        drop(0);
        drop(1);
        drop(0);
        var loss = drop(1);
        assertThat(loss.reward()).isEqualTo(-1.0);
        assertThat(loss.done()).isTrue();
        assertThat(loss.observation().winner()).isEqualTo("opponent");
        assertThat(loss.observation().opponentColumn()).isEqualTo(3);
        assertThat(loss.observation().board()).isEqualTo(grid(
                ".......",
                ".......",
                "...O...",
                "...O...",
                "XX.O...",
                "XX.O..."));
    }

    @Test
    void aDiagonalDownToTheRightWins() {
        resetAgainst("greedy", 4);
        env.position(
                ".......",
                ".......",
                "X......",
                "OX.....",
                "OOX....",
                "OOX....");
        var win = drop(3); // lands on the bottom row: (2,0) (3,1) (4,2) (5,3)
        assertThat(win.reward()).isEqualTo(1.0);
        assertThat(win.observation().winner()).isEqualTo("agent");
    }

    @Test
    void aDiagonalDownToTheLeftWins() {
        resetAgainst("greedy", 4);
        env.position(
                ".......",
                ".......",
                "......X",
                ".....XO",
                "....XOO",
                "....XOO");
        var win = drop(3); // (2,6) (3,5) (4,4) (5,3)
        assertThat(win.reward()).isEqualTo(1.0);
        assertThat(win.observation().winner()).isEqualTo("agent");
    }

    @Test
    void threeInADiagonalIsNotAWin() {
        resetAgainst("minimax", 1);
        env.position(
                ".......",
                ".......",
                "X......",
                "OX.....",
                "OOX....",
                "OOX....");
        var r = drop(6); // three on the diagonal; the fourth cell (5,3) stays open until the opponent fills it
        assertThat(r.done()).isFalse();
        assertThat(r.observation().winner()).isNull();
    }

    @Test
    void theGreedyOpponentCompletesItsOwnDiagonal() {
        resetAgainst("greedy", 4);
        env.position(
                ".......",
                ".......",
                "......O",
                ".....OX",
                "....OXX",
                "....XXX");
        var loss = drop(0); // the agent misses its own win in column 3; the opponent takes it
        assertThat(loss.observation().opponentColumn()).isEqualTo(3);
        assertThat(loss.reward()).isEqualTo(-1.0);
        assertThat(loss.observation().winner()).isEqualTo("opponent");
    }

    @Test
    void theGreedyOpponentBlocksAnOpenThree() {
        resetAgainst("greedy", 4);
        env.position(
                ".......",
                ".......",
                ".......",
                ".......",
                "OO.....",
                "XXX....");
        var r = drop(6);
        assertThat(r.observation().opponentColumn()).isEqualTo(3);
        assertThat(r.done()).isFalse();
    }

    @Test
    void fillingTheLastCellWithoutFourIsADraw() {
        resetAgainst("greedy", 4);
        // Pairs of columns alternate every row: no run longer than two in any direction.
        env.position(
                "XXOOXX.",
                "OOXXOOX",
                "XXOOXXO",
                "OOXXOOX",
                "XXOOXXO",
                "OOXXOOX");
        var draw = drop(6);
        assertThat(draw.reward()).isEqualTo(0.0);
        assertThat(draw.done()).isTrue();
        assertThat(draw.observation().winner()).isEqualTo("draw");
        assertThat(draw.observation().legalActions()).isEmpty();
    }

    @Test
    void theOpponentFillingTheLastCellIsADraw() {
        resetAgainst("greedy", 4);
        env.position(
                "XXOOX..",
                "OOXXOOX",
                "XXOOXXO",
                "OOXXOOX",
                "XXOOXXO",
                "OOXXOOX");
        var draw = drop(5);
        assertThat(draw.observation().opponentColumn()).isEqualTo(6);
        assertThat(draw.observation().winner()).isEqualTo("draw");
        assertThat(draw.reward()).isEqualTo(0.0);
        assertThat(draw.done()).isTrue();
        assertThat(draw.observation().board().get(0)).containsExactly(1, 1, -1, -1, 1, 1, -1);
    }

    @Test
    void aColumnOffTheBoardIsRefusedAndChangesNothing() {
        resetAgainst("greedy", 4);
        for (int column : new int[] {-1, 7}) {
            var r = drop(column);
            assertThat(r.reward()).isEqualTo(-0.1);
            assertThat(r.done()).isFalse();
            assertThat(r.observation().message()).contains("Column " + column + " does not exist");
            assertThat(r.observation().legalActions()).containsExactly(0, 1, 2, 3, 4, 5, 6);
            assertThat(r.observation().board()).isEqualTo(grid(".......", ".......", ".......", ".......", ".......", "......."));
        }
        assertThat(env.state().stepCount()).isZero();
    }

    @Test
    void aFullColumnIsRefusedAndChangesNothing() {
        resetAgainst("greedy", 4);
        String[] position = {"X......", "O......", "X......", "O......", "X......", "O......"};
        env.position(position);
        var r = drop(0);
        assertThat(r.reward()).isEqualTo(-0.1);
        assertThat(r.done()).isFalse();
        assertThat(r.observation().message()).contains("Column 0 is full");
        assertThat(r.observation().legalActions()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(r.observation().board()).isEqualTo(grid(position));
        assertThat(env.state().stepCount()).isZero();
    }

    @Test
    void aFinishedGameAcceptsNoMoreMovesAndResetClearsIt() {
        resetAgainst("minimax", 1);
        drop(0);
        drop(0);
        drop(0);
        var board = drop(0).observation().board();
        var after = drop(5);
        assertThat(after.done()).isTrue();
        assertThat(after.reward()).isEqualTo(0.0);
        assertThat(after.observation().board()).isEqualTo(board);
        assertThat(env.state().stepCount()).isEqualTo(4);

        var fresh = env.reset(ResetRequest.seeded(1).withEpisodeId("again"));
        assertThat(fresh.done()).isFalse();
        assertThat(fresh.observation().winner()).isNull();
        assertThat(fresh.observation().legalActions()).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(fresh.observation().board()).isEqualTo(grid(".......", ".......", ".......", ".......", ".......", "......."));
        assertThat(env.state().episodeId()).isEqualTo("again");
        assertThat(env.state().stepCount()).isZero();
        assertThat(env.state().opponent()).isEqualTo("greedy");
    }

    @Test
    void theSameSeedReplaysTheRandomOpponent() {
        assertThat(randomGame(7)).isEqualTo(randomGame(7));
        assertThat(randomGame(8)).isEqualTo(randomGame(8));
    }

    /** The opponent's columns and the final board of a game where the agent plays the leftmost legal column. */
    static List<Object> randomGame(long seed) {
        var env = new ConnectFourEnvironment();
        var r = env.reset(ResetRequest.seeded(seed).withOption("opponent", "random"));
        List<Object> trace = new ArrayList<>();
        while (!r.done()) {
            r = env.step(new Drop(r.observation().legalActions().get(0)));
            trace.add(r.observation().opponentColumn());
        }
        trace.add(r.observation().board());
        return trace;
    }

    @Test
    void aRefusedResetLeavesTheGameAsItWas() {
        resetAgainst("minimax", 1);
        drop(0);
        var before = env.state();
        assertThatThrownBy(() -> env.reset(ResetRequest.seeded(2).withOption("opponent", "random").withOption("depth", 9)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(env.state()).isEqualTo(before);
        assertThat(drop(0).observation().opponentColumn()).isEqualTo(3); // still the depth-1 minimax
    }

    @Test
    void unknownOpponentsAndDepthsOutOfRangeAreRefused() {
        assertThatThrownBy(() -> env.reset(ResetRequest.none().withOption("opponent", "oracle")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> resetAgainst("minimax", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> resetAgainst("minimax", 7)).isInstanceOf(IllegalArgumentException.class);
    }
}
