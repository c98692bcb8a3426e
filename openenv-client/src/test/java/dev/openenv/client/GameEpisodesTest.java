package dev.openenv.client;

import dev.openenv.core.ResetRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.Action;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.State;
import dev.openenv.core.StepResult;
import dev.openenv.envs.BundledEnvironments;
import dev.openenv.envs.blackjack.BlackjackEnvironment;
import dev.openenv.envs.coding.CodingEnvironment;
import dev.openenv.envs.connect4.ConnectFourEnvironment;
import dev.openenv.envs.gridworld.GridWorldEnvironment;
import dev.openenv.envs.snake.SnakeEnvironment;
import dev.openenv.envs.wordle.WordleEnvironment;
import dev.openenv.server.EnvServer;
import dev.openenv.server.testing.LocalServers;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each game played to the end through a real server and the typed Java client. */
@Timeout(60)
class GameEpisodesTest {
    @RegisterExtension
    final LocalServers servers = new LocalServers();

    <A extends Action, O, S extends State> EnvClient<A, O, S> play(String name) {
        EnvServer server = servers.startBundled(name, LocalServers.sessions(2));
        return EnvClient.connect(server.baseUrl(), GameEpisodesTest.<A, O, S>type(name));
    }

    @SuppressWarnings("unchecked")
    static <A extends Action, O, S extends State> EnvironmentType<A, O, S> type(String name) {
        return (EnvironmentType<A, O, S>) BundledEnvironments.find(name).orElseThrow().type();
    }

    @Test
    void gridWorldIsSolvedByFollowingTheShortestPath() {
        try (EnvClient<GridWorldEnvironment.Move, GridWorldEnvironment.View, GridWorldEnvironment.GridState> env = play("gridworld")) {
            var r = env.reset(ResetRequest.seeded(7).withOptions(Map.of("size", 8)));
            assertThat(r.observation().grid()).hasSize(8);
            double total = 0;
            while (!r.done()) {
                r = env.step(new GridWorldEnvironment.Move(nextMove(r.observation().grid())));
                total += r.reward();
            }
            assertThat(r.reward()).isEqualTo(1.0);
            assertThat(r.observation().message()).startsWith("Reached the goal");
            assertThat(total).isGreaterThan(1.0);
            var partial = env.reset(ResetRequest.seeded(7).withOptions(Map.of("size", 8, "view_radius", 1))).observation();
            assertThat(String.join("", partial.grid())).contains("?");
        }
    }

    /** First move of a shortest path from A to G on the rendered grid. */
    static GridWorldEnvironment.Direction nextMove(List<String> grid) {
        int n = grid.size();
        int[][] from = new int[n * n][];
        int start = -1;
        int goal = -1;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                if (grid.get(r).charAt(c) == 'A') {
                    start = r * n + c;
                } else if (grid.get(r).charAt(c) == 'G') {
                    goal = r * n + c;
                }
            }
        }
        var queue = new ArrayDeque<Integer>(List.of(start));
        from[start] = new int[] {start, -1};
        GridWorldEnvironment.Direction[] dirs = GridWorldEnvironment.Direction.values();
        int[][] delta = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
        while (!queue.isEmpty()) {
            int p = queue.poll();
            for (int d = 0; d < 4; d++) {
                int r = p / n + delta[d][0];
                int c = p % n + delta[d][1];
                if (r >= 0 && c >= 0 && r < n && c < n && grid.get(r).charAt(c) != '#' && from[r * n + c] == null) {
                    from[r * n + c] = new int[] {p, d};
                    queue.add(r * n + c);
                }
            }
        }
        int at = goal;
        while (from[at][0] != start) {
            at = from[at][0];
        }
        return dirs[from[at][1]];
    }

    @Test
    void connectFourAnswersIllegalMovesAndPlaysToAResult() {
        try (EnvClient<ConnectFourEnvironment.Drop, ConnectFourEnvironment.Board, ConnectFourEnvironment.GameState> env = play("connect4")) {
            var r = env.reset(ResetRequest.seeded(3).withOptions(Map.of("opponent", "minimax", "depth", 2)));
            assertThat(r.observation().legalActions()).containsExactly(0, 1, 2, 3, 4, 5, 6);
            var illegal = env.step(new ConnectFourEnvironment.Drop(9));
            assertThat(illegal.reward()).isEqualTo(-0.1);
            assertThat(illegal.observation().message()).isEqualTo("Column 9 does not exist; legal columns: [0, 1, 2, 3, 4, 5, 6].");
            int moves = 0;
            while (!r.done()) {
                r = env.step(new ConnectFourEnvironment.Drop(r.observation().legalActions().get(0)));
                moves++;
            }
            assertThat(r.observation().winner()).isIn("agent", "opponent", "draw");
            assertThat(r.reward()).isIn(1.0, -1.0, 0.0);
            assertThat(env.state().stepCount()).isEqualTo(moves);
        }
    }

    @Test
    void blackjackDealsTheSameHandForTheSameSeed() {
        try (EnvClient<BlackjackEnvironment.Play, BlackjackEnvironment.Table, BlackjackEnvironment.HandState> env = play("blackjack")) {
            var first = env.reset(11L).observation();
            var again = env.reset(11L).observation();
            assertThat(again.playerCards()).isEqualTo(first.playerCards());
            var r = env.reset(11L);
            while (!r.done()) {
                var move = r.observation().playerTotal() < 17 ? BlackjackEnvironment.Move.HIT : BlackjackEnvironment.Move.STAND;
                r = env.step(new BlackjackEnvironment.Play(move));
            }
            assertThat(r.observation().outcome()).isIn("win", "loss", "push", "bust", "natural");
            assertThat(r.observation().dealerCards()).doesNotContain("??");
            assertThat(r.reward()).isIn(1.5, 1.0, 0.0, -1.0);
        }
    }

    @Test
    void wordleGivesPerLetterFeedbackAndRefusesNonWords() {
        try (EnvClient<WordleEnvironment.Guess, WordleEnvironment.Feedback, WordleEnvironment.GameState> env = play("wordle")) {
            var r = env.reset(5L);
            var refused = env.step(new WordleEnvironment.Guess("qqqqq"));
            assertThat(refused.observation().triesLeft()).isEqualTo(6);
            assertThat(refused.observation().message()).contains("not in the word list");
            List<String> candidates = new ArrayList<>(WordleEnvironment.words());
            while (!r.done()) {
                String guess = candidates.get(0);
                r = env.step(new WordleEnvironment.Guess(guess));
                String marks = r.observation().history().get(r.observation().history().size() - 1).marks();
                candidates.removeIf(w -> !marksFor(guess, w).equals(marks));
            }
            assertThat(r.observation().answer()).isNotNull();
            assertThat(r.reward()).isIn(0.0, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5);
        }
    }

    static String marksFor(String guess, String answer) {
        char[] marks = "_____".toCharArray();
        int[] left = new int[26];
        for (int i = 0; i < 5; i++) {
            if (guess.charAt(i) == answer.charAt(i)) {
                marks[i] = 'G';
            } else {
                left[answer.charAt(i) - 'a']++;
            }
        }
        for (int i = 0; i < 5; i++) {
            if (marks[i] != 'G' && left[guess.charAt(i) - 'a']-- > 0) {
                marks[i] = 'Y';
            }
        }
        return new String(marks);
    }

    @Test
    void snakeEatsWhenSteeredToFoodAndDiesInTheWall() {
        try (EnvClient<SnakeEnvironment.Turn, SnakeEnvironment.Frame, SnakeEnvironment.SnakeState> env = play("snake")) {
            StepResult<SnakeEnvironment.Frame> r = env.reset(ResetRequest.seeded(2).withOptions(Map.of("width", 8, "height", 6)));
            assertThat(r.observation().grid()).hasSize(6).allSatisfy(row -> assertThat(row).hasSize(8));
            int steps = 0;
            while (r.observation().score() == 0 && steps++ < 100) {
                var f = r.observation();
                int dr = f.food().get(0) - f.head().get(0);
                int dc = f.food().get(1) - f.head().get(1);
                var want = dc > 0 ? SnakeEnvironment.Direction.RIGHT : dc < 0 ? SnakeEnvironment.Direction.LEFT
                        : dr > 0 ? SnakeEnvironment.Direction.DOWN : SnakeEnvironment.Direction.UP;
                if (!f.legalActions().contains(want)) {
                    want = dr >= 0 ? SnakeEnvironment.Direction.DOWN : SnakeEnvironment.Direction.UP;
                }
                r = env.step(new SnakeEnvironment.Turn(want));
            }
            assertThat(r.observation().score()).isEqualTo(1);
            assertThat(r.observation().length()).isEqualTo(4);
            while (!r.done()) {
                r = env.step(new SnakeEnvironment.Turn(SnakeEnvironment.Direction.UP));
            }
            assertThat(r.reward()).isEqualTo(-1.0);
            assertThat(env.state().alive()).isFalse();
        }
    }

    @Test
    void hostileCodeInOneSessionDoesNotHoldUpAnother() throws Exception {
        try (EnvClient<CodingEnvironment.CodeAction, CodingEnvironment.CodeObservation, CodingEnvironment.CodeState> hostile = play("coding");
             EnvClient<CodingEnvironment.CodeAction, CodingEnvironment.CodeObservation, CodingEnvironment.CodeState> other =
                     EnvClient.connect(servers.baseUrl(), type("coding"))) {
            hostile.reset(ResetRequest.none().withOptions(Map.of("persistent", true)));
            other.reset();
            var loop = hostile.stepAsync(new CodingEnvironment.CodeAction("while True: pass", CodingEnvironment.Language.PYTHON));
            var quick = other.step(new CodingEnvironment.CodeAction("print(6 * 7)", CodingEnvironment.Language.PYTHON));
            assertThat(quick.observation().stdout()).isEqualTo("42\n");
            assertThat(loop).isNotDone(); // the loop burns its own CPU budget, not the other session's turn
            var stopped = loop.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(stopped.observation().timedOut()).isTrue();
            assertThat(stopped.reward()).isEqualTo(-1.0);
            assertThat(hostile.step(new CodingEnvironment.CodeAction("print('alive')", CodingEnvironment.Language.PYTHON))
                    .observation().stdout()).contains("alive");
        }
    }
}
