package dev.openenv.envs.wordle;

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
import dev.openenv.core.TaskProvider;
import dev.openenv.core.rubric.Rubric;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Wordle-style word game for LLM agents: guess the hidden five-letter word in six tries. Each guess
 * is answered per letter with {@code G} (right letter, right place), {@code Y} (in the word elsewhere)
 * or {@code _} (not in the word, or no more of it). The answer comes from the bundled list by the seed.
 * A guess that is not five letters or not in the list is refused with a message and costs no try
 * (reward -0.1). Reward: 1.0 for solving, plus 0.1 per unused try; 0 when the tries run out. The rewards
 * come from {@link WordleRubric}.
 */
public final class WordleEnvironment implements Environment<WordleEnvironment.Guess, WordleEnvironment.Feedback, WordleEnvironment.GameState>,
        TaskProvider<WordleEnvironment.Puzzle>, Forkable<Replay.Snapshot<WordleEnvironment.Guess>> {
    /**
     * A task: one answer word. Splits: {@code test} holds every fifth word of the bundled list,
     * {@code train} the rest, so a policy can be scored on words it never trained on. Reset with
     * {@code ResetRequest.task("test", i)} plays puzzle {@code i}.
     */
    public record Puzzle(String id, String answer) {}

    private static final List<Split> SPLITS = List.of(Split.named("train"), Split.named("test"));
    static final int TRIES = 6;
    private static final List<String> WORDS = load();

    public record Guess(@JsonPropertyDescription("A five-letter English word.") String guess) implements Action {}

    /** One scored guess: the word and its per-letter marks. */
    public record Scored(String guess, String marks) {}

    public record Feedback(List<Scored> history, int triesLeft, String message, @Default("null") String answer) {}

    public record GameState(String episodeId, int stepCount, int triesLeft, boolean solved) implements State {}

    private final Episode episode = new Episode();
    private final Replay<Guess> replay = new Replay<>(); // the episode so far, for fork
    private final WordleRubric rubric = new WordleRubric();
    private String answer = WORDS.get(0);
    private final List<Scored> history = new ArrayList<>();
    private boolean solved;

    private static List<String> load() {
        try (InputStream in = WordleEnvironment.class.getResourceAsStream("/dev/openenv/envs/wordle/words.txt")) {
            if (in == null) {
                throw new IllegalStateException("bundled word list missing");
            }
            Set<String> words = new TreeSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("#")) {
                    words.addAll(Arrays.asList(line.strip().split("\\s+")));
                }
            }
            words.remove("");
            return List.copyOf(words);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<Split> splits() {
        return SPLITS;
    }

    @Override
    public int taskCount(String split) {
        int test = (WORDS.size() + 4) / 5;
        return checkSplit(split).equals("test") ? test : WORDS.size() - test;
    }

    @Override
    public Puzzle task(String split, int index) {
        checkIndex(split, index);
        // test: words 0, 5, 10, …; train: the others in order.
        int word = split.equals("test") ? index * 5 : index + index / 4 + 1;
        return new Puzzle(split + "-" + index, WORDS.get(word));
    }

    /** The words the game accepts (and draws answers from). */
    public static List<String> words() {
        return WORDS;
    }

    /** Ready to play at once (seed 0) so a step before the first reset is answered, not refused. */
    public WordleEnvironment() {
        reset(0L);
    }

    @Override
    public Replay.Snapshot<Guess> snapshot() {
        return replay.snapshot();
    }

    @Override
    public void restore(Replay.Snapshot<Guess> snapshot) {
        Replay.restore(this, snapshot);
    }

    @Override
    public StepResult<Feedback> reset(ResetRequest request) {
        request = replay.begin(request); // seeded, with an episode id: a fork replays it exactly
        String word;   // chosen (and a bad split or index refused) before anything changes
        if (request.split() != null) {
            String split = checkSplit(request.split());
            int index = request.index() != null ? request.index()
                    : new Random(request.seedOr(System.nanoTime())).nextInt(taskCount(split));
            word = task(split, index).answer();
        } else {
            word = WORDS.get(new Random(request.seedOr(System.nanoTime())).nextInt(WORDS.size()));
        }
        episode.begin(request);
        rubric.reset();
        this.solved = false;
        this.history.clear();
        this.answer = word;
        return StepResult.of(feedback("Guess the five-letter word; you have " + TRIES + " tries."), 0.0);
    }

    @Override
    public StepResult<Feedback> step(Guess g) {
        replay.played(g);
        StepResult<Feedback> result = play(g);
        return result.withReward(rubric.score(g, result));
    }

    @Override
    public List<Rendering.Format> renderFormats() {
        return List.of(Rendering.Format.SVG, Rendering.Format.TEXT);
    }

    /** The guesses so far, one row each: green right place, yellow elsewhere in the word, grey absent. */
    @Override
    public Rendering render(Rendering.Format format) {
        if (format == Rendering.Format.SVG) {
            List<List<Pictures.Tile>> rows = new ArrayList<>();
            for (Scored s : history) {
                List<Pictures.Tile> row = new ArrayList<>();
                for (int i = 0; i < s.guess().length(); i++) {
                    char m = s.marks().charAt(i);
                    row.add(new Pictures.Tile(String.valueOf(Character.toUpperCase(s.guess().charAt(i))),
                            m == 'G' ? "#6aaa64" : m == 'Y' ? "#c9b458" : "#787c7e", "#ffffff"));
                }
                rows.add(row);
            }
            for (int i = history.size(); i < TRIES; i++) {
                rows.add(java.util.Collections.nCopies(5, new Pictures.Tile("", "#ffffff", "#000000")));
            }
            return Rendering.svg(Pictures.tiles(List.of(), rows, "#fafafa"));
        }
        var text = new StringBuilder();
        history.forEach(s -> text.append(s.guess().toUpperCase(java.util.Locale.ROOT)).append("  ").append(s.marks()).append('\n'));
        text.append(TRIES - history.size()).append(" tries left\n");
        return Rendering.text(text.toString());
    }

    /** The guess and its marks; the reward is the rubric's. */
    private StepResult<Feedback> play(Guess g) {
        if (solved || history.size() >= TRIES) {
            return StepResult.of(feedback("The game is over; reset to play again."), null, true);
        }
        String guess = g.guess() == null ? "" : g.guess().strip().toLowerCase(Locale.ROOT);
        if (guess.length() != 5 || !guess.chars().allMatch(Character::isLetter)) {
            return StepResult.of(feedback("'" + g.guess() + "' is not a five-letter word; no try used."), null);
        }
        if (java.util.Collections.binarySearch(WORDS, guess) < 0) {
            return StepResult.of(feedback("'" + guess + "' is not in the word list; no try used."), null);
        }
        episode.countStep();
        String marks = score(guess, answer);
        history.add(new Scored(guess, marks));
        if (guess.equals(answer)) {
            solved = true;
            return StepResult.of(feedback("Solved in " + history.size() + "."), null, true);
        }
        if (history.size() >= TRIES) {
            return StepResult.of(feedback("Out of tries; the word was '" + answer + "'."), null, true);
        }
        return StepResult.of(feedback(guess + " -> " + marks), null);
    }

    /** Wordle marks: greens first, then yellows limited by the letters left over. */
    static String score(String guess, String answer) {
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
            if (marks[i] != 'G' && left[guess.charAt(i) - 'a'] > 0) {
                marks[i] = 'Y';
                left[guess.charAt(i) - 'a']--;
            }
        }
        return new String(marks);
    }

    private Feedback feedback(String message) {
        boolean over = solved || history.size() >= TRIES;
        return new Feedback(List.copyOf(history), TRIES - history.size(), message, over ? answer : null);
    }

    @Override
    public GameState state() {
        return new GameState(episode.id(), episode.steps(), TRIES - history.size(), solved);
    }

    /** The rubric every step's reward comes from; its parts' last scores are {@code rubric().componentScores()}. */
    @Override
    public Optional<Rubric<Guess, StepResult<Feedback>>> rubric() {
        return Optional.of(rubric);
    }

    @Override
    public EnvironmentMetadata metadata() {
        return Readmes.metadata(getClass(), "WordleEnvironment", "Guess the five-letter word in six tries; per-letter feedback (G/Y/_).");
    }
}
