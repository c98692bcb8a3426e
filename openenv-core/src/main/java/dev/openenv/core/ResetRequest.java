package dev.openenv.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * What a caller asked for when it reset an environment: every part is optional.
 *
 * <pre>{@code
 * env.reset(ResetRequest.seeded(42).withOption("difficulty", "hard"));
 * env.reset(ResetRequest.task("train", 3));       // task 3 of the "train" split
 * }</pre>
 *
 * @param seed      seed for the episode's randomness, or {@code null} for none ({@link #random()} helps)
 * @param episodeId the id the caller wants for the episode, or {@code null} to let the environment pick one
 * @param split     the task split to draw the episode's task from, or {@code null}
 * @param index     the index of the task within {@code split}, or {@code null}
 * @param options   every other key the caller sent with the reset, as plain JSON values (never null)
 */
public record ResetRequest(Long seed, String episodeId, String split, Integer index, Map<String, Object> options) {
    private static final ResetRequest NONE = new ResetRequest(null, null, null, null, Map.of());

    public ResetRequest {
        // Copied without Map.copyOf: JSON options may hold null values.
        options = options == null || options.isEmpty() ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** A reset with nothing asked for. */
    public static ResetRequest none() {
        return NONE;
    }

    /** A reset with a seed. */
    public static ResetRequest seeded(long seed) {
        return new ResetRequest(seed, null, null, null, Map.of());
    }

    /** A reset into task {@code index} of {@code split}. */
    public static ResetRequest task(String split, int index) {
        return new ResetRequest(null, null, split, index, Map.of());
    }

    public ResetRequest withSeed(Long seed) {
        return new ResetRequest(seed, episodeId, split, index, options);
    }

    public ResetRequest withEpisodeId(String episodeId) {
        return new ResetRequest(seed, episodeId, split, index, options);
    }

    public ResetRequest withTask(String split, Integer index) {
        return new ResetRequest(seed, episodeId, split, index, options);
    }

    /** This request with {@code options} in place of its options. */
    public ResetRequest withOptions(Map<String, ?> options) {
        return new ResetRequest(seed, episodeId, split, index, options == null ? Map.of() : Map.copyOf(options));
    }

    /** This request with one more option. */
    public ResetRequest withOption(String key, Object value) {
        var copy = new LinkedHashMap<>(options);
        copy.put(key, value);
        return new ResetRequest(seed, episodeId, split, index, copy);
    }

    /** A random source for the episode: seeded when a seed was given, else from the clock. */
    public Random random() {
        return seed != null ? new Random(seed) : new Random();
    }

    /** The seed, or {@code fallback} when none was given. */
    public long seedOr(long fallback) {
        return seed != null ? seed : fallback;
    }

    /** An option's value, or {@code fallback} when it is absent or null. */
    public Object option(String key, Object fallback) {
        Object v = options.get(key);
        return v != null ? v : fallback;
    }

    /**
     * The members of the reset message's {@code data} on the wire: {@code seed}, {@code episode_id},
     * {@code split}, {@code index} when set, then the options.
     */
    public Map<String, Object> toWire() {
        var out = new LinkedHashMap<String, Object>();
        if (seed != null) {
            out.put("seed", seed);
        }
        if (episodeId != null) {
            out.put("episode_id", episodeId);
        }
        if (split != null) {
            out.put("split", split);
        }
        if (index != null) {
            out.put("index", index);
        }
        options.forEach(out::putIfAbsent);
        return out;
    }
}
