package dev.openenv.envs.gridworld;

import dev.openenv.envs.Readmes;
import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.openenv.envs.internal.Pictures;
import dev.openenv.core.Replay;
import dev.openenv.core.Forkable;
import dev.openenv.core.Rendering;
import dev.openenv.core.Action;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentMetadata;
import dev.openenv.core.State;
import dev.openenv.core.Episode;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import dev.openenv.core.TaskProvider;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A maze on a square grid: reach the goal. Layouts come from the seed (walls placed at random, kept
 * only while the goal stays reachable). Reset options: {@code size} (5..20, default 7), {@code view_radius}
 * (0 = the whole grid, else a square window around the agent). Rewards are shaped: +0.1 per step that
 * gets closer (by path length), -0.1 per step that gets farther, -0.05 for bumping a wall, +1 at the goal;
 * the episode ends at the goal or after 4·size² steps.
 */
public final class GridWorldEnvironment implements Environment<GridWorldEnvironment.Move, GridWorldEnvironment.View, GridWorldEnvironment.GridState>,
        TaskProvider<GridWorldEnvironment.Maze>, Forkable<Replay.Snapshot<GridWorldEnvironment.Move>> {
    /**
     * A task: the maze of {@code seed} at {@code size}. Splits: {@code train} (1,000 mazes of sizes 5–11),
     * {@code test} (100 mazes of sizes 12–20, never seen in training). Reset with
     * {@code ResetRequest.task("train", i)} plays maze {@code i}.
     */
    public record Maze(String id, int size, long seed) {}

    private static final List<Split> SPLITS = List.of(Split.named("train"), Split.named("test"));

    /** A direction to move. */
    public enum Direction { UP, DOWN, LEFT, RIGHT }

    @JsonClassDescription("Move the agent one cell.")
    public record Move(@JsonPropertyDescription("The direction to move the agent.") Direction action) implements Action {}

    /**
     * What the agent sees: rows of {@code #} wall, {@code .} floor, {@code A} agent, {@code G} goal,
     * {@code ?} outside the view; its position; the goal when visible; the moves that do not hit a wall.
     */
    public record View(List<String> grid, List<Integer> position, List<Integer> goal, List<Direction> legalActions,
                       int distanceToGoal, String message) {}

    /** Full state, for trainers: the whole maze and positions. */
    public record GridState(String episodeId, int stepCount, int size, List<String> walls, List<Integer> agent,
                            List<Integer> goal, long seed) implements State {}

    private final Episode episode = new Episode();
    private final Replay<Move> replay = new Replay<>(); // the episode so far, for fork
    private int size = 7;
    private int viewRadius;
    private long seed;
    private boolean[][] wall = new boolean[7][7];
    private int ar;
    private int ac;
    private int gr;
    private int gc;
    private boolean done;

    /** Ready to play at once (seed 0) so a step before the first reset is answered, not refused. */
    public GridWorldEnvironment() {
        reset(0L);
    }

    @Override
    public Replay.Snapshot<Move> snapshot() {
        return replay.snapshot();
    }

    @Override
    public void restore(Replay.Snapshot<Move> snapshot) {
        Replay.restore(this, snapshot);
    }

    @Override
    public StepResult<View> reset(ResetRequest request) {
        request = replay.begin(request); // seeded, with an episode id: a fork replays it exactly
        Maze maze = request.split() == null ? null
                : task(checkSplit(request.split()), request.index() != null ? request.index()
                        : new Random(request.seedOr(System.nanoTime())).nextInt(taskCount(request.split())));
        int newSize = maze != null ? maze.size() : intOption(request.options(), "size", 7, 5, 20); // checked before anything changes
        int newViewRadius = intOption(request.options(), "view_radius", 0, 0, 20);
        this.seed = maze != null ? maze.seed() : request.seed() != null ? request.seed() : new Random().nextLong();
        episode.begin(request);
        this.size = newSize;
        this.viewRadius = newViewRadius;
        this.done = false;
        generate(new Random(this.seed));
        return StepResult.of(view("Reach G. Moves: UP, DOWN, LEFT, RIGHT."), 0.0);
    }

    @Override
    public List<Split> splits() {
        return SPLITS;
    }

    @Override
    public int taskCount(String split) {
        return checkSplit(split).equals("train") ? 1000 : 100;
    }

    @Override
    public Maze task(String split, int index) {
        checkIndex(split, index);
        boolean train = split.equals("train");
        int size = train ? 5 + index % 7 : 12 + index % 9;
        // Seeds of the two splits come from disjoint ranges, so no test maze is a training maze.
        long mazeSeed = (train ? 1_000_000L : 2_000_000L) + index;
        return new Maze(split + "-" + index, size, mazeSeed);
    }

    /**
     * Starts an episode on a hand-drawn maze, rows top to bottom: {@code #} wall, {@code .} floor,
     * {@code A} the agent, {@code G} the goal; the whole grid is in view. For tests that need a known maze.
     */
    StepResult<View> start(String... rows) {
        episode.begin(ResetRequest.none());
        this.size = rows.length;
        this.viewRadius = 0;
        this.done = false;
        this.wall = new boolean[size][size];
        for (int r = 0; r < size; r++) {
            for (int c = 0; c < size; c++) {
                char ch = rows[r].charAt(c);
                wall[r][c] = ch == '#';
                if (ch == 'A') {
                    ar = r;
                    ac = c;
                } else if (ch == 'G') {
                    gr = r;
                    gc = c;
                }
            }
        }
        return StepResult.of(view("Reach G."), 0.0);
    }

    private static int intOption(Map<String, Object> options, String key, int fallback, int min, int max) {
        Object v = options.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < min || n.intValue() > max) {
            throw new dev.openenv.core.InvalidOptionException(key, v, "must be an integer from " + min + " to " + max);
        }
        return n.intValue();
    }

    private void generate(Random random) {
        wall = new boolean[size][size];
        ar = random.nextInt(size);
        ac = random.nextInt(size);
        do {
            gr = random.nextInt(size);
            gc = random.nextInt(size);
        } while (Math.abs(gr - ar) + Math.abs(gc - ac) < size / 2);
        int attempts = size * size / 3;
        for (int i = 0; i < attempts; i++) {
            int r = random.nextInt(size);
            int c = random.nextInt(size);
            if ((r == ar && c == ac) || (r == gr && c == gc) || wall[r][c]) {
                continue;
            }
            wall[r][c] = true;
            if (distance(ar, ac) < 0) {
                wall[r][c] = false; // keep the goal reachable
            }
        }
    }

    /** Shortest path length from (r, c) to the goal, or -1 when there is none. */
    private int distance(int r, int c) {
        int[][] d = new int[size][size];
        for (int[] row : d) {
            java.util.Arrays.fill(row, -1);
        }
        var queue = new ArrayDeque<int[]>();
        d[r][c] = 0;
        queue.add(new int[] {r, c});
        while (!queue.isEmpty()) {
            int[] p = queue.poll();
            if (p[0] == gr && p[1] == gc) {
                return d[p[0]][p[1]];
            }
            for (Direction dir : Direction.values()) {
                int nr = p[0] + dr(dir);
                int nc = p[1] + dc(dir);
                if (open(nr, nc) && d[nr][nc] < 0) {
                    d[nr][nc] = d[p[0]][p[1]] + 1;
                    queue.add(new int[] {nr, nc});
                }
            }
        }
        return -1;
    }

    private boolean open(int r, int c) {
        return r >= 0 && c >= 0 && r < size && c < size && !wall[r][c];
    }

    private static int dr(Direction d) {
        return d == Direction.UP ? -1 : d == Direction.DOWN ? 1 : 0;
    }

    private static int dc(Direction d) {
        return d == Direction.LEFT ? -1 : d == Direction.RIGHT ? 1 : 0;
    }

    @Override
    public StepResult<View> step(Move move) {
        replay.played(move);
        if (done) {
            return StepResult.of(view("The episode is over; reset to play again."), 0.0, true);
        }
        episode.countStep();
        int before = distance(ar, ac);
        int nr = ar + dr(move.action());
        int nc = ac + dc(move.action());
        double reward;
        String message;
        if (!open(nr, nc)) {
            reward = -0.05;
            message = "Bumped into a wall moving " + move.action() + ".";
        } else {
            ar = nr;
            ac = nc;
            int after = distance(ar, ac);
            reward = after < before ? 0.1 : -0.1;
            message = "Moved " + move.action() + ".";
        }
        if (ar == gr && ac == gc) {
            reward = 1.0;
            message = "Reached the goal in " + episode.steps() + " steps.";
            done = true;
        } else if (episode.steps() >= 4 * size * size) {
            done = true;
            message += " Out of steps.";
        }
        return StepResult.of(view(message), reward, done);
    }

    @Override
    public List<Rendering.Format> renderFormats() {
        return List.of(Rendering.Format.SVG, Rendering.Format.TEXT);
    }

    /** The whole maze (not the agent's partial view): # wall, . floor, A agent, G goal. */
    @Override
    public Rendering render(Rendering.Format format) {
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            var sb = new StringBuilder();
            for (int c = 0; c < size; c++) {
                sb.append(r == ar && c == ac ? 'A' : r == gr && c == gc ? 'G' : wall[r][c] ? '#' : '.');
            }
            rows.add(sb.toString());
        }
        if (format == Rendering.Format.SVG) {
            return Rendering.svg(Pictures.board(rows, java.util.Map.of('#', Pictures.Cell.square("#3d405b"),
                    '.', Pictures.Cell.square("#f4f1de"), 'A', Pictures.Cell.disc("#e07a5f"), 'G', Pictures.Cell.square("#81b29a")), "#f4f1de"));
        }
        return Rendering.text(String.join("\n", rows) + "\n");
    }

    private View view(String message) {
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            var sb = new StringBuilder();
            for (int c = 0; c < size; c++) {
                boolean visible = viewRadius == 0 || (Math.abs(r - ar) <= viewRadius && Math.abs(c - ac) <= viewRadius);
                sb.append(!visible ? '?' : r == ar && c == ac ? 'A' : r == gr && c == gc ? 'G' : wall[r][c] ? '#' : '.');
            }
            rows.add(sb.toString());
        }
        boolean goalVisible = viewRadius == 0 || (Math.abs(gr - ar) <= viewRadius && Math.abs(gc - ac) <= viewRadius);
        List<Direction> legal = new ArrayList<>();
        for (Direction d : Direction.values()) {
            if (open(ar + dr(d), ac + dc(d))) {
                legal.add(d);
            }
        }
        return new View(rows, List.of(ar, ac), goalVisible ? List.of(gr, gc) : null, legal,
                viewRadius == 0 ? distance(ar, ac) : -1, message);
    }

    @Override
    public GridState state() {
        List<String> walls = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            var sb = new StringBuilder();
            for (int c = 0; c < size; c++) {
                sb.append(wall[r][c] ? '#' : '.');
            }
            walls.add(sb.toString());
        }
        return new GridState(episode.id(), episode.steps(), size, walls, List.of(ar, ac), List.of(gr, gc), seed);
    }

    @Override
    public EnvironmentMetadata metadata() {
        return Readmes.metadata(getClass(), "GridWorldEnvironment", "Seeded maze: reach the goal; full or partial view; shaped rewards.");
    }
}
