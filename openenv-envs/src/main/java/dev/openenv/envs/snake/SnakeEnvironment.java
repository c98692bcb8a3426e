package dev.openenv.envs.snake;

import dev.openenv.envs.Readmes;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Snake on a grid: each step moves the snake one cell; eating food (+1) grows it; running into a wall or
 * itself ends the episode (-1). Reset options {@code width} and {@code height} (5..30, default 10); food
 * appears where the seed says. Turning straight back is not possible, so that move keeps the current
 * direction (the observation lists the directions that turn or continue).
 */
public final class SnakeEnvironment implements Environment<SnakeEnvironment.Turn, SnakeEnvironment.Frame, SnakeEnvironment.SnakeState>,
        Forkable<Replay.Snapshot<SnakeEnvironment.Turn>> {

    public enum Direction { UP, DOWN, LEFT, RIGHT }

    public record Turn(@JsonPropertyDescription("Direction to move this step.") Direction direction) implements Action {}

    /** The grid ({@code H} head, {@code S} body, {@code F} food, {@code .} empty), and the game so far. */
    public record Frame(List<String> grid, List<Integer> head, List<Integer> food, int length, int score,
                        Direction heading, List<Direction> legalActions, String message) {}

    public record SnakeState(String episodeId, int stepCount, int width, int height, int score, boolean alive) implements State {}

    private final Episode episode = new Episode();
    private final Replay<Turn> replay = new Replay<>(); // the episode so far, for fork
    private int width = 10;
    private int height = 10;
    private final Deque<int[]> body = new ArrayDeque<>(); // head first
    private int[] food = {0, 0};
    private Direction heading = Direction.RIGHT;
    private int score;
    private boolean alive = true;
    private Random random = new Random(0);

    /** Ready to play at once (seed 0) so a step before the first reset is answered, not refused. */
    public SnakeEnvironment() {
        reset(0L);
    }

    @Override
    public Replay.Snapshot<Turn> snapshot() {
        return replay.snapshot();
    }

    @Override
    public void restore(Replay.Snapshot<Turn> snapshot) {
        Replay.restore(this, snapshot);
    }

    @Override
    public StepResult<Frame> reset(ResetRequest request) {
        request = replay.begin(request); // seeded, with an episode id: a fork replays it exactly
        int newWidth = dimension(request.options(), "width"); // both checked before anything changes
        int newHeight = dimension(request.options(), "height");
        episode.begin(request);
        this.width = newWidth;
        this.height = newHeight;
        this.random = new Random(request.seedOr(System.nanoTime()));
        this.score = 0;
        this.alive = true;
        this.heading = Direction.RIGHT;
        body.clear();
        int r = height / 2;
        int c = width / 2;
        body.add(new int[] {r, c});
        body.add(new int[] {r, c - 1});
        body.add(new int[] {r, c - 2});
        placeFood();
        return StepResult.of(frame("Eat the food (F); avoid walls and yourself."), 0.0);
    }

    private static int dimension(Map<String, Object> options, String key) {
        Object v = options.getOrDefault(key, 10);
        if (!(v instanceof Integer n) || n < 5 || n > 30) {
            throw new dev.openenv.core.InvalidOptionException(key, v, "must be an integer from 5 to 30");
        }
        return n;
    }

    private void placeFood() {
        List<int[]> free = new ArrayList<>();
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                if (!occupied(r, c)) {
                    free.add(new int[] {r, c});
                }
            }
        }
        food = free.isEmpty() ? null : free.get(random.nextInt(free.size()));
    }

    /** Moves the food to a free cell of the caller's choice, for tests that need to steer the snake to it. */
    void putFood(int row, int col) {
        if (occupied(row, col)) {
            throw new IllegalArgumentException("the snake is on " + row + "," + col);
        }
        food = new int[] {row, col};
    }

    private boolean occupied(int r, int c) {
        for (int[] p : body) {
            if (p[0] == r && p[1] == c) {
                return true;
            }
        }
        return false;
    }

    private static boolean opposite(Direction a, Direction b) {
        return (a == Direction.UP && b == Direction.DOWN) || (a == Direction.DOWN && b == Direction.UP)
                || (a == Direction.LEFT && b == Direction.RIGHT) || (a == Direction.RIGHT && b == Direction.LEFT);
    }

    @Override
    public StepResult<Frame> step(Turn turn) {
        replay.played(turn);
        if (!alive || food == null) {
            return StepResult.of(frame("The game is over; reset to play again."), 0.0, true);
        }
        episode.countStep();
        if (!opposite(turn.direction(), heading)) {
            heading = turn.direction();
        }
        int[] head = body.peekFirst();
        int nr = head[0] + (heading == Direction.UP ? -1 : heading == Direction.DOWN ? 1 : 0);
        int nc = head[1] + (heading == Direction.LEFT ? -1 : heading == Direction.RIGHT ? 1 : 0);
        boolean eats = food != null && nr == food[0] && nc == food[1];
        int[] tail = body.peekLast();
        boolean hitsSelf = occupied(nr, nc) && !(tail[0] == nr && tail[1] == nc && !eats);
        if (nr < 0 || nc < 0 || nr >= height || nc >= width || hitsSelf) {
            alive = false;
            return StepResult.of(frame("Crashed moving " + heading + ". Final score " + score + "."), -1.0, true);
        }
        body.addFirst(new int[] {nr, nc});
        if (eats) {
            score++;
            placeFood();
            if (food == null) {
                return StepResult.of(frame("The board is full. You win with score " + score + "."), 1.0, true);
            }
            return StepResult.of(frame("Ate the food; length " + body.size() + "."), 1.0);
        }
        body.removeLast();
        boolean timeUp = episode.steps() >= 4 * width * height;
        return StepResult.of(frame(timeUp ? "Out of steps." : "Moved " + heading + "."), 0.0, timeUp);
    }

    @Override
    public List<Rendering.Format> renderFormats() {
        return List.of(Rendering.Format.SVG, Rendering.Format.TEXT);
    }

    /** The grid: H head, S body, F food. */
    @Override
    public Rendering render(Rendering.Format format) {
        List<String> rows = frame("").grid();
        if (format == Rendering.Format.SVG) {
            return Rendering.svg(Pictures.board(rows, java.util.Map.of('H', Pictures.Cell.square("#2b9348"),
                    'S', Pictures.Cell.square("#80b918"), 'F', Pictures.Cell.disc("#d00000")), "#111111"));
        }
        return Rendering.text(String.join("\n", rows) + "\n");
    }

    private Frame frame(String message) {
        List<String> rows = new ArrayList<>();
        int[] head = body.peekFirst();
        for (int r = 0; r < height; r++) {
            var sb = new StringBuilder();
            for (int c = 0; c < width; c++) {
                boolean isHead = head[0] == r && head[1] == c;
                sb.append(isHead ? 'H' : occupied(r, c) ? 'S' : food != null && food[0] == r && food[1] == c ? 'F' : '.');
            }
            rows.add(sb.toString());
        }
        List<Direction> legal = new ArrayList<>();
        for (Direction d : Direction.values()) {
            if (!opposite(d, heading)) {
                legal.add(d);
            }
        }
        return new Frame(rows, List.of(head[0], head[1]), food == null ? null : List.of(food[0], food[1]), body.size(),
                score, heading, alive ? legal : List.of(), message);
    }

    @Override
    public SnakeState state() {
        return new SnakeState(episode.id(), episode.steps(), width, height, score, alive);
    }

    @Override
    public EnvironmentMetadata metadata() {
        return Readmes.metadata(getClass(), "SnakeEnvironment", "Snake on a configurable grid; +1 per food, -1 for crashing.");
    }
}
