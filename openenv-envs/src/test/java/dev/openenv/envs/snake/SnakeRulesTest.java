package dev.openenv.envs.snake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import dev.openenv.envs.snake.SnakeEnvironment.Direction;
import dev.openenv.envs.snake.SnakeEnvironment.Frame;
import dev.openenv.envs.snake.SnakeEnvironment.Turn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Snake rules by hand. On the default 10×10 board the snake starts with its head on (5,5) and its body
 * on (5,4) and (5,3), heading right. Tests move the food with {@code putFood} to steer growth, and
 * park it in a corner where it is not in the way.
 */
@Timeout(30)
class SnakeRulesTest {
    final SnakeEnvironment env = new SnakeEnvironment();

    StepResult<Frame> go(Direction d) {
        return env.step(new Turn(d));
    }

    @Test
    void theSnakeStartsInTheMiddleHeadingRight() {
        var f = env.reset(1L).observation();
        assertThat(f.head()).containsExactly(5, 5);
        assertThat(f.length()).isEqualTo(3);
        assertThat(f.heading()).isEqualTo(Direction.RIGHT);
        assertThat(f.grid()).hasSize(10);
        assertThat(f.grid().get(5).substring(3, 6)).isEqualTo("SSH");
        assertThat(f.legalActions()).containsExactly(Direction.UP, Direction.DOWN, Direction.RIGHT);
    }

    @Test
    void turningStraightBackKeepsTheHeading() {
        env.reset(1L);
        env.putFood(0, 0);
        var f = go(Direction.LEFT).observation();
        assertThat(f.head()).containsExactly(5, 6);
        assertThat(f.heading()).isEqualTo(Direction.RIGHT);
    }

    @Test
    void runningIntoTheWallEndsTheGame() {
        env.reset(1L);
        env.putFood(0, 0);
        for (int column = 6; column <= 9; column++) {
            var r = go(Direction.RIGHT);
            assertThat(r.reward()).isEqualTo(0.0);
            assertThat(r.done()).isFalse();
            assertThat(r.observation().head()).containsExactly(5, column);
        }
        var crash = go(Direction.RIGHT);
        assertThat(crash.reward()).isEqualTo(-1.0);
        assertThat(crash.done()).isTrue();
        assertThat(crash.observation().message()).startsWith("Crashed moving RIGHT");
        assertThat(crash.observation().legalActions()).isEmpty();
        assertThat(env.state().alive()).isFalse();

        var after = go(Direction.UP);
        assertThat(after.done()).isTrue();
        assertThat(after.reward()).isEqualTo(0.0);
        assertThat(env.state().stepCount()).isEqualTo(5);
    }

    @Test
    void eatingScoresOneAndGrowsTheSnakeByOne() {
        env.reset(1L);
        env.putFood(5, 6);
        var eat = go(Direction.RIGHT);
        assertThat(eat.reward()).isEqualTo(1.0);
        assertThat(eat.done()).isFalse();
        assertThat(eat.observation().length()).isEqualTo(4);
        assertThat(eat.observation().score()).isEqualTo(1);
        assertThat(eat.observation().grid().get(5).substring(3, 7)).isEqualTo("SSSH");
        env.putFood(0, 0);
        var move = go(Direction.DOWN);
        assertThat(move.observation().length()).isEqualTo(4);
        assertThat(move.reward()).isEqualTo(0.0);
        assertThat(env.state().score()).isEqualTo(1);
    }

    @Test
    void theHeadMayEnterTheCellTheTailLeaves() {
        env.reset(1L);
        env.putFood(5, 6);
        go(Direction.RIGHT); // body (5,6) (5,5) (5,4) (5,3)
        env.putFood(0, 0);
        go(Direction.DOWN);  // (6,6) (5,6) (5,5) (5,4)
        go(Direction.LEFT);  // (6,5) (6,6) (5,6) (5,5)
        var r = go(Direction.UP); // into (5,5), which the tail leaves this step
        assertThat(r.done()).isFalse();
        assertThat(r.observation().head()).containsExactly(5, 5);
        assertThat(env.state().alive()).isTrue();
    }

    @Test
    void runningIntoItsOwnBodyEndsTheGame() {
        env.reset(1L);
        env.putFood(5, 6);
        go(Direction.RIGHT);
        env.putFood(5, 7);
        go(Direction.RIGHT); // body (5,7) (5,6) (5,5) (5,4) (5,3)
        env.putFood(0, 0);
        go(Direction.DOWN);  // (6,7) (5,7) (5,6) (5,5) (5,4)
        go(Direction.LEFT);  // (6,6) (6,7) (5,7) (5,6) (5,5)
        var crash = go(Direction.UP); // (5,6) is body, not the tail
        assertThat(crash.reward()).isEqualTo(-1.0);
        assertThat(crash.done()).isTrue();
        assertThat(crash.observation().score()).isEqualTo(2);
        assertThat(env.state().alive()).isFalse();
    }

    @Test
    void theEpisodeEndsAfterFourTimesTheCellCountInSteps() {
        env.reset(ResetRequest.seeded(1).withOption("width", 5).withOption("height", 5));
        env.putFood(4, 4);
        Direction[] square = {Direction.UP, Direction.LEFT, Direction.DOWN, Direction.RIGHT}; // a 2×2 loop from (2,2)
        for (int i = 0; i < 99; i++) {
            assertThat(go(square[i % 4]).done()).as("step %d", i + 1).isFalse();
        }
        var last = go(square[99 % 4]);
        assertThat(last.done()).isTrue();
        assertThat(last.reward()).isEqualTo(0.0);
        assertThat(last.observation().message()).isEqualTo("Out of steps.");
    }

    @Test
    void foodLandsOnAFreeCellChosenByTheSeed() {
        for (long seed = 0; seed < 50; seed++) {
            var f = env.reset(seed).observation();
            int fr = f.food().get(0), fc = f.food().get(1);
            assertThat(f.grid().get(fr).charAt(fc)).isEqualTo('F');
            assertThat(String.join("", f.grid()).chars().filter(ch -> ch == 'F').count()).isEqualTo(1);
            assertThat(new SnakeEnvironment().reset(seed).observation().food()).isEqualTo(f.food());
        }
    }

    @Test
    void theSameSeedReplaysTheSameFoodAfterEveryMeal() {
        assertThat(meals(9)).isEqualTo(meals(9));
    }

    /** Where the food appears after each of three meals served right in front of the head. */
    static List<List<Integer>> meals(long seed) {
        var env = new SnakeEnvironment();
        env.reset(seed);
        List<List<Integer>> foods = new ArrayList<>();
        for (int column = 6; column <= 8; column++) {
            env.putFood(5, column);
            var r = env.step(new Turn(Direction.RIGHT));
            assertThat(r.reward()).isEqualTo(1.0);
            foods.add(r.observation().food());
        }
        return foods;
    }

    @Test
    void resetStartsAFreshGameOnTheRequestedBoard() {
        env.reset(1L);
        env.putFood(5, 6);
        go(Direction.RIGHT);
        var f = env.reset(ResetRequest.seeded(2).withOption("width", 12).withOption("height", 6)).observation();
        assertThat(f.grid()).hasSize(6).allMatch(row -> row.length() == 12);
        assertThat(f.head()).containsExactly(3, 6);
        assertThat(f.length()).isEqualTo(3);
        assertThat(f.score()).isZero();
        assertThat(env.state().stepCount()).isZero();
        assertThat(env.state().alive()).isTrue();
    }

    @Test
    void aRefusedResetLeavesTheGameAsItWas() {
        env.reset(ResetRequest.seeded(1).withEpisodeId("kept"));
        env.putFood(0, 0);
        var before = env.state();
        assertThatThrownBy(() -> env.reset(ResetRequest.seeded(2).withOption("width", 5).withOption("height", 99)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(env.state()).isEqualTo(before);
        var r = go(Direction.RIGHT);
        assertThat(r.observation().grid()).hasSize(10).allMatch(row -> row.length() == 10);
        assertThat(r.observation().head()).containsExactly(5, 6);
    }

    @Test
    void boardSidesOutsideFiveToThirtyAreRefused() {
        for (Object side : new Object[] {4, 31, "10"}) {
            assertThatThrownBy(() -> env.reset(ResetRequest.seeded(1).withOption("width", side)))
                    .as("width %s", side).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> env.reset(ResetRequest.seeded(1).withOption("height", 0))).isInstanceOf(IllegalArgumentException.class);
    }
}
