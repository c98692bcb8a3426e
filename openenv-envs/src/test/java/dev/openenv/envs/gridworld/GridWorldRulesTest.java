package dev.openenv.envs.gridworld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import dev.openenv.envs.gridworld.GridWorldEnvironment.Direction;
import dev.openenv.envs.gridworld.GridWorldEnvironment.GridState;
import dev.openenv.envs.gridworld.GridWorldEnvironment.Move;
import dev.openenv.envs.gridworld.GridWorldEnvironment.View;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Grid-world rules on a hand-drawn maze whose path lengths are worked out below, plus properties of the
 * seeded mazes. Distances to G in {@link #MAZE}: (0,0) 8 via the left column and bottom row; (0,1) 9;
 * (1,0) 7; (4,2) 2; (3,2) 1.
 */
@Timeout(30)
class GridWorldRulesTest {
    static final String[] MAZE = {
            "A....",
            ".###.",
            ".#G#.",
            ".#.#.",
            "....."};

    final GridWorldEnvironment env = new GridWorldEnvironment();

    StepResult<View> move(Direction d) {
        return env.step(new Move(d));
    }

    @Test
    void theStartShowsTheMazeTheDistanceAndTheOpenMoves() {
        var v = env.start(MAZE).observation();
        assertThat(v.grid()).containsExactly(MAZE);
        assertThat(v.position()).containsExactly(0, 0);
        assertThat(v.goal()).containsExactly(2, 2);
        assertThat(v.distanceToGoal()).isEqualTo(8);
        assertThat(v.legalActions()).containsExactly(Direction.DOWN, Direction.RIGHT);
    }

    @Test
    void leavingTheGridIsABumpThatCostsAndDoesNotMove() {
        env.start(MAZE);
        for (Direction d : new Direction[] {Direction.UP, Direction.LEFT}) {
            var r = move(d);
            assertThat(r.reward()).isEqualTo(-0.05);
            assertThat(r.done()).isFalse();
            assertThat(r.observation().position()).containsExactly(0, 0);
            assertThat(r.observation().message()).startsWith("Bumped into a wall");
        }
        assertThat(env.state().stepCount()).isEqualTo(2);
    }

    @Test
    void walkingIntoAWallIsABump() {
        env.start(MAZE);
        move(Direction.DOWN);
        var r = move(Direction.RIGHT); // (1,1) is a wall
        assertThat(r.reward()).isEqualTo(-0.05);
        assertThat(r.observation().position()).containsExactly(1, 0);
    }

    @Test
    void gettingCloserByPathEarnsAndGettingFartherCosts() {
        env.start(MAZE);
        // (0,1) is nearer to G as the crow flies but one step farther along the path
        var away = move(Direction.RIGHT);
        assertThat(away.reward()).isEqualTo(-0.1);
        assertThat(away.observation().distanceToGoal()).isEqualTo(9);
        var back = move(Direction.LEFT);
        assertThat(back.reward()).isEqualTo(0.1);
        var down = move(Direction.DOWN);
        assertThat(down.reward()).isEqualTo(0.1);
        assertThat(down.observation().distanceToGoal()).isEqualTo(7);
    }

    @Test
    void reachingTheGoalPaysOneAndEndsTheEpisode() {
        env.start(MAZE);
        Direction[] path = {Direction.DOWN, Direction.DOWN, Direction.DOWN, Direction.DOWN,
                Direction.RIGHT, Direction.RIGHT, Direction.UP, Direction.UP};
        double total = 0;
        StepResult<View> r = null;
        for (Direction d : path) {
            assertThat(r == null || !r.done()).isTrue();
            r = move(d);
            total += r.reward();
        }
        assertThat(r.reward()).isEqualTo(1.0);
        assertThat(r.done()).isTrue();
        assertThat(r.observation().message()).isEqualTo("Reached the goal in 8 steps.");
        assertThat(r.observation().distanceToGoal()).isZero();
        assertThat(total).isCloseTo(7 * 0.1 + 1.0, within(1e-9));

        var after = move(Direction.DOWN);
        assertThat(after.done()).isTrue();
        assertThat(after.reward()).isEqualTo(0.0);
        assertThat(after.observation().position()).containsExactly(2, 2);
        assertThat(env.state().stepCount()).isEqualTo(8);
    }

    @Test
    void theEpisodeEndsAfterFourTimesTheCellCountInSteps() {
        env.start(MAZE);
        for (int i = 1; i < 100; i++) {
            assertThat(move(Direction.UP).done()).as("step %d", i).isFalse();
        }
        var last = move(Direction.UP);
        assertThat(last.done()).isTrue();
        assertThat(last.reward()).isEqualTo(-0.05);
        assertThat(last.observation().message()).endsWith("Out of steps.");
        assertThat(move(Direction.DOWN).observation().message()).contains("episode is over");
        assertThat(env.state().stepCount()).isEqualTo(100);
    }

    @Test
    void aViewRadiusHidesEverythingOutsideTheWindow() {
        for (long seed = 0; seed < 10; seed++) {
            var v = env.reset(ResetRequest.seeded(seed).withOption("view_radius", 1)).observation();
            GridState s = env.state();
            int ar = s.agent().get(0);
            int ac = s.agent().get(1);
            assertThat(v.grid()).hasSize(7);
            for (int r = 0; r < 7; r++) {
                for (int c = 0; c < 7; c++) {
                    boolean inside = Math.abs(r - ar) <= 1 && Math.abs(c - ac) <= 1;
                    assertThat(v.grid().get(r).charAt(c) == '?').as("cell %d,%d", r, c).isEqualTo(!inside);
                }
            }
            assertThat(v.grid().get(ar).charAt(ac)).isEqualTo('A');
            assertThat(v.distanceToGoal()).isEqualTo(-1);
            boolean goalInside = Math.abs(s.goal().get(0) - ar) <= 1 && Math.abs(s.goal().get(1) - ac) <= 1;
            assertThat(v.goal() != null).isEqualTo(goalInside);
        }
    }

    @Test
    void seededMazesKeepTheGoalReachableAndApart() {
        for (int size : new int[] {5, 7, 20}) {
            for (long seed = 0; seed < 40; seed++) {
                var v = env.reset(ResetRequest.seeded(seed).withOption("size", size)).observation();
                GridState s = env.state();
                assertThat(s.size()).isEqualTo(size);
                assertThat(s.walls()).hasSize(size).allMatch(row -> row.length() == size);
                int ar = s.agent().get(0), ac = s.agent().get(1), gr = s.goal().get(0), gc = s.goal().get(1);
                assertThat(s.walls().get(ar).charAt(ac)).isEqualTo('.');
                assertThat(s.walls().get(gr).charAt(gc)).isEqualTo('.');
                assertThat(Math.abs(ar - gr) + Math.abs(ac - gc)).isGreaterThanOrEqualTo(size / 2);
                int d = pathLength(s.walls(), ar, ac, gr, gc);
                assertThat(d).as("size %d seed %d", size, seed).isPositive();
                assertThat(v.distanceToGoal()).isEqualTo(d);
            }
        }
    }

    /** Breadth-first path length over '.' cells, or -1. */
    static int pathLength(List<String> walls, int ar, int ac, int gr, int gc) {
        int n = walls.size();
        int[][] dist = new int[n][n];
        for (int[] row : dist) {
            java.util.Arrays.fill(row, -1);
        }
        var queue = new ArrayDeque<int[]>();
        dist[ar][ac] = 0;
        queue.add(new int[] {ar, ac});
        int[][] steps = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        while (!queue.isEmpty()) {
            int[] p = queue.poll();
            for (int[] st : steps) {
                int r = p[0] + st[0], c = p[1] + st[1];
                if (r >= 0 && c >= 0 && r < n && c < n && walls.get(r).charAt(c) == '.' && dist[r][c] < 0) {
                    dist[r][c] = dist[p[0]][p[1]] + 1;
                    queue.add(new int[] {r, c});
                }
            }
        }
        return dist[gr][gc];
    }

    @Test
    void theSameSeedBuildsTheSameMazeAndResetStartsOver() {
        var other = new GridWorldEnvironment();
        env.reset(ResetRequest.seeded(42).withOption("size", 9));
        other.reset(ResetRequest.seeded(42).withOption("size", 9));
        GridState a = env.state();
        GridState b = other.state();
        assertThat(a.walls()).isEqualTo(b.walls());
        assertThat(a.agent()).isEqualTo(b.agent());
        assertThat(a.goal()).isEqualTo(b.goal());
        assertThat(a.seed()).isEqualTo(42);
        for (Direction d : new Direction[] {Direction.UP, Direction.LEFT, Direction.DOWN, Direction.RIGHT, Direction.DOWN}) {
            assertThat(env.step(new Move(d))).isEqualTo(other.step(new Move(d)));
        }
        env.reset(ResetRequest.seeded(42).withOption("size", 9));
        assertThat(env.state().stepCount()).isZero();
        assertThat(env.state().agent()).isEqualTo(a.agent());
    }

    @Test
    void aRefusedResetLeavesTheEpisodeAsItWas() {
        env.reset(ResetRequest.seeded(3).withEpisodeId("kept"));
        env.step(new Move(Direction.UP));
        GridState before = env.state();
        assertThatThrownBy(() -> env.reset(ResetRequest.seeded(4).withOption("size", 99)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(env.state()).isEqualTo(before);
    }

    @Test
    void sizesAndRadiiOutsideTheirRangesAreRefused() {
        for (Object size : new Object[] {4, 21, 7.5, "7"}) {
            assertThatThrownBy(() -> env.reset(ResetRequest.seeded(1).withOption("size", size)))
                    .as("size %s", size).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> env.reset(ResetRequest.seeded(1).withOption("view_radius", -1)))
                .isInstanceOf(IllegalArgumentException.class);
        env.reset(ResetRequest.seeded(1).withOption("size", 5.0)); // JSON may send 5.0
        assertThat(env.state().size()).isEqualTo(5);
    }
}
