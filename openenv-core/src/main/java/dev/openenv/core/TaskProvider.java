package dev.openenv.core;

import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * The tasks an environment offers, by split: what 0.10's Task API serves ({@code GET /{env}/splits},
 * {@code POST /{env}/tasks}, {@code /num_tasks}, {@code /task}, {@code /task_range}). An environment
 * implements this next to {@link Environment}; a trainer lists a split, fetches a task and resets into
 * it with {@link ResetRequest#task(String, int)} ({@code reset(split=…, index=…)} in Python).
 *
 * <p>Tasks are any value the codec can write (a record, a map, a string). An unknown split throws
 * {@link NoSuchElementException}; an index outside the split throws {@link IndexOutOfBoundsException}
 * (the server answers 404 and 400 "Invalid task index").
 *
 * @param <T> the task type
 */
public interface TaskProvider<T> {

    /** A split as the Task API lists it: {@code {"name", "type"}}, type one of train, validation, test. */
    record Split(String name, String type) {
        public Split {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a split needs a name");
            }
        }

        /** A split named {@code name}, typed as 0.10 types plain names: train/validation/test by name, else validation. */
        public static Split named(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            return new Split(name, switch (lower) {
                case "train", "validation", "test" -> lower;
                default -> "validation";
            });
        }
    }

    /** The splits, in the order a trainer should see them. */
    List<Split> splits();

    /** Number of tasks in {@code split}. */
    int taskCount(String split);

    /** Task {@code index} of {@code split}, {@code 0 <= index < taskCount(split)}. */
    T task(String split, int index);

    /** Every task of {@code split}; override for splits too large to list (return a preview). */
    default List<T> tasks(String split) {
        return taskRange(split, null, null);
    }

    /**
     * The tasks in {@code [start, stop)} with Python's slice rules, as the reference's list-backed
     * providers answer: either bound may be {@code null} (the split's start or end) or negative
     * (counted from the end), and bounds outside the split are clamped.
     */
    default List<T> taskRange(String split, Integer start, Integer stop) {
        int n = taskCount(split);
        int from = clamp(start == null ? 0 : start, n);
        int to = clamp(stop == null ? n : stop, n);
        var out = new java.util.ArrayList<T>(Math.max(0, to - from));
        for (int i = from; i < to; i++) {
            out.add(task(split, i));
        }
        return out;
    }

    private static int clamp(int bound, int n) {
        int b = bound < 0 ? bound + n : bound;
        return Math.max(0, Math.min(b, n));
    }

    /** {@code split} if it is one of {@link #splits()}, else {@link NoSuchElementException}. */
    default String checkSplit(String split) {
        for (Split s : splits()) {
            if (s.name().equals(split)) {
                return split;
            }
        }
        throw new NoSuchElementException("Unknown split: " + split);
    }

    /** {@code index} if it is inside {@code split}, else {@link IndexOutOfBoundsException}. */
    default int checkIndex(String split, int index) {
        return java.util.Objects.checkIndex(index, taskCount(split));
    }
}
