package dev.openenv.server.recording;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.json.WireCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Records every episode a server plays as JSON Lines: one line per reset and per step, with the session
 * and episode ids, the reset request or the action, the observation, reward, done, metadata, how long the
 * environment took and when. Each line is made as text on the step's own thread, while what it holds is
 * still in that core's cache, and handed to a {@link LineWriter}, which copies it at once onto its
 * staging array and writes it to rotated files ({@code episodes-<start>-<pid>-<n>.jsonl}) off the step's
 * path.
 *
 * <p>A step that came in a WebSocket frame is answered in one: its line is begun on the step's thread and
 * finished with the observation, reward, done and metadata copied from that answer's text
 * ({@link Line#finish}), so the observation is serialized once, by the transport.
 *
 * <p>Why this shape (measured, BENCHMARKS.md, recording): when the writer built the lines from the step's
 * objects it spent 1.5–2 µs per line, waiting on memory other threads had made up to 20 ms before; when
 * it read one string per line from a queue, still 0.3–0.5 µs (the queue's nodes and the strings, cold by
 * then). Copying a line where it was made costs the step ~0.05 µs, and the writer then copies one
 * contiguous array per wake-up.
 *
 * <p>States: RECORDING (from construction) → CLOSED ({@link #close()}: what is staged is written, the file
 * flushed and closed; later lines are dropped).
 */
public final class Recorder implements AutoCloseable {
    /** How an answer to a step starts on {@code /ws}, up to its envelope's members (ServerMessage.Observation). */
    private static final String ANSWER_HEAD = "{\"type\":\"observation\",\"data\":{\"observation\":";
    private static final int ENVELOPE_MEMBERS = ANSWER_HEAD.length() - "\"observation\":".length();
    private static final System.Logger LOG = System.getLogger(Recorder.class.getName());
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(java.time.ZoneOffset.UTC);

    /**
     * An environment's current episode: its ids, quoted and escaped once per episode, and its step count.
     * Used only inside the environment's strand (one call at a time), so it needs no lock of its own.
     */
    private static final class Episode {
        final String session; // JSON text
        final String id;      // JSON text: a string or null
        long steps;

        Episode(String session, String id) {
            this.session = quoted(session);
            this.id = id == null ? "null" : quoted(id);
        }
    }

    /** The ISO-8601 text of one millisecond; many lines share one, so the last is kept (racy and benign). */
    private record Stamp(long millis, String text) {}

    /**
     * A step's line, begun (what happened, when, to whom, the action) and waiting for the answer's text.
     * {@link #finish} it exactly once; a line never finished is never written.
     */
    public final class Line {
        private final StringBuilder text;
        private final ObjectNode envelope;
        private final long nanos;
        private boolean finished;

        private Line(StringBuilder text, ObjectNode envelope, long nanos) {
            this.text = text;
            this.envelope = envelope;
            this.nanos = nanos;
        }

        /**
         * Finishes and records the line. {@code answer} is the text of the {@code /ws} frame that carried the
         * envelope, as sent; the line copies the envelope's members from it. Null, or a frame of another
         * shape: the envelope is serialized instead.
         */
        public void finish(String answer) {
            if (finished) {
                throw new IllegalStateException("a record line is finished once");
            }
            finished = true;
            JsonNode metadata = envelope.get("metadata");
            if (answer != null && answer.startsWith(ANSWER_HEAD) && answer.endsWith("}}") && copyable(envelope, metadata)) {
                text.append(',').append(answer, ENVELOPE_MEMBERS, answer.length() - 2);
                if (metadata == null) {
                    text.append(",\"metadata\":{}");
                }
            } else {
                envelopeMembers(text, codec.write(envelope.get("observation")), envelope);
            }
            text.append(",\"duration_ms\":");
            millis(text, nanos);
            lines.add(text.append("}\n").toString());
        }
    }

    /**
     * Whether the envelope's text, copied, reads as the line's members would be serialized: observation,
     * a finite double or null reward, done, and non-empty metadata or none, in that order, nothing else
     * (what {@code WireCodec.envelope} makes).
     */
    private static boolean copyable(ObjectNode envelope, JsonNode metadata) {
        JsonNode reward = envelope.get("reward");
        JsonNode done = envelope.get("done");
        return envelope.size() == (metadata == null ? 3 : 4)
                && reward != null && (reward.isNull() || reward.isDouble() && Double.isFinite(reward.doubleValue()))
                && done != null && done.isBoolean()
                && (metadata == null || metadata.isObject() && !metadata.isEmpty());
    }

    private final LineWriter lines;
    private final WireCodec codec = WireCodec.standard();
    /** Each environment's current episode (weak: an entry goes with its session's environment). */
    private final Map<Object, Episode> episodes = Collections.synchronizedMap(new WeakHashMap<>());
    private volatile Stamp stamp = new Stamp(-1, "");

    /** Records into {@code dir} (created if missing), starting a new file every {@code maxFileBytes}. */
    public Recorder(Path dir, long maxFileBytes) {
        if (maxFileBytes < 1024) {
            throw new IllegalArgumentException("a record file must be allowed at least 1 KiB, got " + maxFileBytes);
        }
        Path created;
        try {
            created = Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the record directory " + dir + ": " + e.getMessage(), e);
        }
        this.lines = new LineWriter(created, "episodes-" + FILE_TIME.format(Instant.now()) + "-" + ProcessHandle.current().pid(), maxFileBytes);
        LOG.log(System.Logger.Level.INFO, "recording episodes to {0} (files of at most {1} bytes)", created, maxFileBytes);
    }

    /**
     * A reset of {@code env} answered with {@code envelope}: starts its episode and records its line.
     */
    public void reset(String sessionId, Object env, String episodeId, ResetRequest request, ObjectNode envelope, long nanos) {
        if (lines.closed()) {
            lines.drop();
            return;
        }
        var episode = new Episode(sessionId, episodeId);
        episodes.put(env, episode);
        String input = codec.write(request.toWire());
        StringBuilder b = head("reset", episode, 0, "request", input, 256);
        envelopeMembers(b, codec.write(envelope.get("observation")), envelope);
        b.append(",\"duration_ms\":");
        millis(b, nanos);
        lines.add(b.append("}\n").toString());
    }

    /**
     * A step of {@code env} answered with {@code envelope}: begins its line, to be {@linkplain Line#finish
     * finished} with the answer's text. {@code action} is the action or its JSON as the client sent it,
     * {@code frame} the WebSocket frame it came in (null: it came another way); the line takes the
     * action's text from the frame when it can, else serializes {@code action}. Null when recording has
     * stopped (the line is counted as dropped).
     */
    public Line step(String sessionId, Object env, Object action, String frame, ObjectNode envelope, long nanos) {
        if (lines.closed()) {
            lines.drop();
            return null;
        }
        Episode episode = episodes.get(env);
        if (episode == null) { // stepped before any recorded reset (the server started recording mid-episode)
            episode = new Episode(sessionId, null);
            episodes.put(env, episode);
        }
        long step = ++episode.steps;
        String sent = frame == null ? null : FrameText.data(frame);
        String input = sent != null ? sent : codec.write(action);
        int answer = frame == null ? 256 : Math.max(256, frame.length() * 2); // a guess: grown if short
        return new Line(head("step", episode, step, "action", input, answer), envelope, nanos);
    }

    /** Lines dropped because the writer was behind (or closed). */
    public long dropped() {
        return lines.dropped();
    }

    /** Lines written so far. */
    public long written() {
        return lines.written();
    }

    /** A line's start, in the order the reference's tools read best: what happened, when, to whom, the input. */
    private StringBuilder head(String type, Episode episode, long step, String inputName, String input, int rest) {
        return new StringBuilder(120 + episode.session.length() + episode.id.length() + input.length() + rest)
                .append("{\"type\":\"").append(type)
                .append("\",\"time\":\"").append(time(System.currentTimeMillis()))
                .append("\",\"session_id\":").append(episode.session)
                .append(",\"episode_id\":").append(episode.id)
                .append(",\"step\":").append(step)
                .append(",\"").append(inputName).append("\":").append(input);
    }

    /** The envelope's members as the line holds them: observation, reward, done, metadata (always an object). */
    private void envelopeMembers(StringBuilder b, String observation, ObjectNode envelope) {
        JsonNode reward = envelope.get("reward");
        JsonNode done = envelope.get("done");
        JsonNode metadata = envelope.get("metadata");
        b.append(",\"observation\":").append(observation).append(",\"reward\":");
        if (reward == null || !reward.isNumber() || !Double.isFinite(reward.doubleValue())) {
            b.append("null");
        } else {
            b.append(reward.doubleValue()); // as Jackson writes a double: Double.toString
        }
        b.append(",\"done\":").append(done != null && done.asBoolean()).append(",\"metadata\":");
        if (metadata == null || metadata.isNull() || metadata.isEmpty()) {
            b.append("{}");
        } else {
            b.append(codec.write(metadata));
        }
    }

    /** ISO-8601 of {@code millis}. */
    private String time(long millis) {
        Stamp s = stamp;
        if (s.millis() != millis) {
            s = new Stamp(millis, Instant.ofEpochMilli(millis).toString());
            stamp = s;
        }
        return s.text();
    }

    /** {@code nanos} as milliseconds with three decimals, without the cost of printing a double. */
    private static void millis(StringBuilder b, long nanos) {
        long micros = Math.max(0, nanos / 1000);
        long frac = micros % 1000;
        b.append(micros / 1000).append(frac < 10 ? ".00" : frac < 100 ? ".0" : ".").append(frac);
    }

    /** {@code text} as a JSON string, escaped as Jackson escapes it. */
    private static String quoted(String text) {
        var b = new StringBuilder(text.length() + 2).append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, b);
        return b.append('"').toString();
    }

    /** Writes what is staged, closes the file. Idempotent. */
    @Override
    public void close() {
        lines.close();
    }
}
