package dev.openenv.envs.connect4;

import dev.openenv.envs.Readmes;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.openenv.envs.internal.Pictures;
import dev.openenv.core.Replay;
import dev.openenv.core.Forkable;
import dev.openenv.core.Rendering;
import dev.openenv.core.Default;
import dev.openenv.core.Action;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentMetadata;
import dev.openenv.core.State;
import dev.openenv.core.Episode;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import dev.openenv.core.rubric.Rubric;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Connect Four on the 6×7 board against a built-in opponent. The agent is player 1 and moves first;
 * the opponent (-1) answers each move. Reset option {@code opponent}: {@code random}, {@code greedy}
 * (wins when it can, blocks when it must; the default) or {@code minimax} (looks {@code depth} plies
 * ahead, default 4). Reward: +1 win, -1 loss, 0 draw or ongoing. An illegal move (full or out-of-range
 * column) is answered with a message, the legal columns and reward -0.1; the board does not change.
 * The rewards come from {@link ConnectFourRubric}.
 */
public final class ConnectFourEnvironment implements Environment<ConnectFourEnvironment.Drop, ConnectFourEnvironment.Board, ConnectFourEnvironment.GameState>,
        Forkable<Replay.Snapshot<ConnectFourEnvironment.Drop>> {
    static final int ROWS = 6;
    static final int COLS = 7;

    public record Drop(@JsonPropertyDescription("Column to drop a disc into, 0 (left) to 6 (right).") int column) implements Action {}

    /** The board (row 0 on top; 1 = agent, -1 = opponent, 0 = empty), the legal columns, and what happened. */
    public record Board(List<List<Integer>> board, List<Integer> legalActions, int opponentColumn, @Default("null") String winner,
                        String message) {}

    public record GameState(String episodeId, int stepCount, List<List<Integer>> board, String opponent,
                            @Default("null") String winner) implements State {}

    private final int[][] cells = new int[ROWS][COLS];
    private final Episode episode = new Episode();
    private final Replay<Drop> replay = new Replay<>(); // the episode so far, for fork
    private final ConnectFourRubric rubric = new ConnectFourRubric();
    private String opponent = "greedy";
    private int depth = 4;
    private Random random = new Random(0);
    private String winner;

    /** Ready to play at once (seed 0) so a step before the first reset is answered, not refused. */
    public ConnectFourEnvironment() {
        reset(0L);
    }

    @Override
    public Replay.Snapshot<Drop> snapshot() {
        return replay.snapshot();
    }

    @Override
    public void restore(Replay.Snapshot<Drop> snapshot) {
        Replay.restore(this, snapshot);
    }

    @Override
    public StepResult<Board> reset(ResetRequest request) {
        request = replay.begin(request); // seeded, with an episode id: a fork replays it exactly
        Object o = request.options().getOrDefault("opponent", "greedy"); // options checked before anything changes
        if (!List.of("random", "greedy", "minimax").contains(o)) {
            throw new dev.openenv.core.InvalidOptionException("opponent", o, "must be random, greedy or minimax");
        }
        Object d = request.options().getOrDefault("depth", 4);
        if (!(d instanceof Integer n) || n < 1 || n > 6) {
            throw new dev.openenv.core.InvalidOptionException("depth", d, "must be an integer from 1 to 6");
        }
        for (int[] row : cells) {
            java.util.Arrays.fill(row, 0);
        }
        episode.begin(request);
        rubric.reset();
        this.winner = null;
        this.random = new Random(request.seedOr(System.nanoTime()));
        this.opponent = (String) o;
        this.depth = n;
        return StepResult.of(board(-1, "You are 1 and move first; drop a disc in a column 0-6."), 0.0);
    }

    /**
     * Sets up a position mid-episode, rows top to bottom: {@code X} the agent, {@code O} the opponent,
     * {@code .} empty. For tests that need a position no opponent would walk into.
     */
    void position(String... rows) {
        if (rows.length != ROWS) {
            throw new IllegalArgumentException("need " + ROWS + " rows");
        }
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLS; c++) {
                char ch = rows[r].charAt(c);
                cells[r][c] = ch == 'X' ? 1 : ch == 'O' ? -1 : 0;
                if (r > 0 && cells[r - 1][c] != 0 && cells[r][c] == 0) {
                    throw new IllegalArgumentException("a disc floats above the empty cell " + r + "," + c);
                }
            }
        }
    }

    @Override
    public StepResult<Board> step(Drop drop) {
        replay.played(drop);
        StepResult<Board> result = play(drop);
        return result.withReward(rubric.score(drop, result));
    }

    /** The move and the opponent's answer; the reward is the rubric's. */
    private StepResult<Board> play(Drop drop) {
        if (winner != null) {
            return StepResult.of(board(-1, "The game is over (" + winner + "); reset to play again."), null, true);
        }
        int col = drop.column();
        if (col < 0 || col >= COLS || cells[0][col] != 0) {
            String why = col < 0 || col >= COLS ? "Column " + col + " does not exist" : "Column " + col + " is full";
            return StepResult.of(board(-1, why + "; legal columns: " + legal() + "."), null);
        }
        episode.countStep();
        place(col, 1);
        if (wins(1)) {
            winner = "agent";
            return StepResult.of(board(-1, "You connected four. You win."), null, true);
        }
        if (legal().isEmpty()) {
            winner = "draw";
            return StepResult.of(board(-1, "The board is full: a draw."), null, true);
        }
        int reply = chooseOpponentMove();
        place(reply, -1);
        if (wins(-1)) {
            winner = "opponent";
            return StepResult.of(board(reply, "The opponent played " + reply + " and connected four. You lose."), null, true);
        }
        if (legal().isEmpty()) {
            winner = "draw";
            return StepResult.of(board(reply, "The board is full: a draw."), null, true);
        }
        return StepResult.of(board(reply, "The opponent played " + reply + "."), null);
    }

    private int chooseOpponentMove() {
        List<Integer> legal = legal();
        if (opponent.equals("random")) {
            return legal.get(random.nextInt(legal.size()));
        }
        if (opponent.equals("minimax")) {
            int best = legal.get(0);
            int bestScore = Integer.MIN_VALUE;
            for (int c : orderedMoves()) {
                place(c, -1);
                int score = -negamax(depth - 1, 1, -1_000_000, 1_000_000);
                unplace(c);
                if (score > bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            return best;
        }
        for (int player : new int[] {-1, 1}) { // win if possible, else block
            for (int c : legal) {
                place(c, player);
                boolean w = wins(player);
                unplace(c);
                if (w) {
                    return c;
                }
            }
        }
        return legal.get(random.nextInt(legal.size()));
    }

    private int negamax(int d, int player, int alpha, int beta) {
        if (wins(-player)) {
            return -100_000 - d;
        }
        List<Integer> moves = orderedMoves();
        if (moves.isEmpty()) {
            return 0;
        }
        if (d == 0) {
            return player * heuristic();
        }
        int best = Integer.MIN_VALUE;
        for (int c : moves) {
            place(c, player);
            int score = -negamax(d - 1, -player, -beta, -alpha);
            unplace(c);
            best = Math.max(best, score);
            alpha = Math.max(alpha, score);
            if (alpha >= beta) {
                break;
            }
        }
        return best;
    }

    /** Centre columns first: better pruning, and the same choice for the same position every time. */
    private List<Integer> orderedMoves() {
        List<Integer> out = new ArrayList<>();
        for (int c : new int[] {3, 2, 4, 1, 5, 0, 6}) {
            if (cells[0][c] == 0) {
                out.add(c);
            }
        }
        return out;
    }

    private int heuristic() {
        int score = 0;
        for (int r = 0; r < ROWS; r++) {
            score += cells[r][3] * 3;
        }
        return score;
    }

    private void place(int col, int player) {
        for (int r = ROWS - 1; r >= 0; r--) {
            if (cells[r][col] == 0) {
                cells[r][col] = player;
                return;
            }
        }
    }

    private void unplace(int col) {
        for (int r = 0; r < ROWS; r++) {
            if (cells[r][col] != 0) {
                cells[r][col] = 0;
                return;
            }
        }
    }

    private boolean wins(int p) {
        int[][] dirs = {{0, 1}, {1, 0}, {1, 1}, {1, -1}};
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLS; c++) {
                for (int[] d : dirs) {
                    int k = 0;
                    while (k < 4) {
                        int rr = r + d[0] * k;
                        int cc = c + d[1] * k;
                        if (rr < 0 || rr >= ROWS || cc < 0 || cc >= COLS || cells[rr][cc] != p) {
                            break;
                        }
                        k++;
                    }
                    if (k == 4) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private List<Integer> legal() {
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < COLS; c++) {
            if (cells[0][c] == 0) {
                out.add(c);
            }
        }
        return out;
    }

    private List<List<Integer>> rows() {
        List<List<Integer>> out = new ArrayList<>();
        for (int[] row : cells) {
            out.add(java.util.Arrays.stream(row).boxed().toList());
        }
        return out;
    }

    private Board board(int opponentColumn, String message) {
        return new Board(rows(), winner == null ? legal() : List.of(), opponentColumn, winner, message);
    }

    @Override
    public List<Rendering.Format> renderFormats() {
        return List.of(Rendering.Format.SVG, Rendering.Format.TEXT);
    }

    /** The board: X the agent, O the opponent; SVG discs red (agent) and yellow (opponent). */
    @Override
    public Rendering render(Rendering.Format format) {
        List<String> picture = new java.util.ArrayList<>();
        for (int[] row : cells) {
            var sb = new StringBuilder();
            for (int v : row) {
                sb.append(v == 1 ? 'X' : v == -1 ? 'O' : '.');
            }
            picture.add(sb.toString());
        }
        if (format == Rendering.Format.SVG) {
            return Rendering.svg(Pictures.board(picture, java.util.Map.of('X', Pictures.Cell.disc("#d62828"),
                    'O', Pictures.Cell.disc("#f7c948"), '.', Pictures.Cell.disc("#ffffff")), "#1d4e89"));
        }
        var text = new StringBuilder(" 0 1 2 3 4 5 6\n");
        picture.forEach(r -> text.append('|').append(String.join("|", r.split(""))).append("|\n"));
        return Rendering.text(text.toString());
    }

    @Override
    public GameState state() {
        return new GameState(episode.id(), episode.steps(), rows(), opponent, winner);
    }

    /** The rubric every step's reward comes from; its parts' last scores are {@code rubric().componentScores()}. */
    @Override
    public Optional<Rubric<Drop, StepResult<Board>>> rubric() {
        return Optional.of(rubric);
    }

    @Override
    public EnvironmentMetadata metadata() {
        return Readmes.metadata(getClass(), "ConnectFourEnvironment", "Connect Four against a built-in opponent (random, greedy or minimax).");
    }
}
