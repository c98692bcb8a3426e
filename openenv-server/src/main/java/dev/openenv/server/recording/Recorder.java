package dev.openenv.server.recording;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.json.WireCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * environment took and when. Each line is put together on the step's own thread, while what it holds is
 * still in that core's cache: its parts, already UTF-8 bytes (the frame's and the answer's text, ids and
 * time stamps encoded once), are copied straight onto a {@link LineWriter}'s staging array, which writes
 * them to rotated files ({@code episodes-<start>-<pid>-<n>.jsonl}) off the step's path.
 *
 * <p>A step that came in a WebSocket frame is answered in one: its line is begun on the step's thread and
 * finished with the observation, reward, done and metadata copied from that answer's text
 * ({@link Line#finish}), so the observation is serialized once, by the transport.
 *
 * <p>Why this shape (measured, BENCHMARKS.md, recording): when the writer built the lines from the step's
 * objects it spent 1.5–2 µs per line, waiting on memory other threads had made up to 20 ms before; when
 * it read one string per line from a queue, still 0.3–0.5 µs (the queue's nodes and the strings, cold by
 * then). Copying a line where it was made costs the step ~0.05 µs, and the writer then copies one
 * contiguous array per wake-up. Building each line as a string first (a builder, its string, that
 * string's bytes: a kilobyte of fresh memory per step) cost the step's side ~0.5 µs in isolation; copying
 * the parts as bytes, ~0.27 µs.
 *
 * <p>States: RECORDING (from construction) → CLOSED ({@link #close()}: what is staged is written, the file
 * flushed and closed; later lines are dropped).
 */
public final class Recorder implements AutoCloseable {
    /** How an answer to a step starts on {@code /ws}, up to its envelope's members (ServerMessage.Observation). */
    private static final String ANSWER_HEAD = "{\"type\":\"observation\",\"data\":{\"observation\":";
    /** Where the envelope's members begin in the answer: the head is ASCII, so in its chars and its UTF-8 bytes alike. */
    private static final int ENVELOPE_MEMBERS = ANSWER_HEAD.length() - "\"observation\":".length();
    private static final byte[] RESET = ascii("{\"type\":\"reset\",\"time\":\"");
    private static final byte[] STEP = ascii("{\"type\":\"step\",\"time\":\"");
    private static final byte[] SESSION_ID = ascii("\",\"session_id\":");
    private static final byte[] EPISODE_ID = ascii(",\"episode_id\":");
    private static final byte[] STEP_NUMBER = ascii(",\"step\":");
    private static final byte[] REQUEST = ascii(",\"request\":");
    private static final byte[] ACTION = ascii(",\"action\":");
    private static final byte[] NO_METADATA = ascii(",\"metadata\":{}");
    private static final byte[] DURATION = ascii(",\"duration_ms\":");
    /** Room for the constant parts of a line and its numbers, beyond its variable texts. */
    private static final int LINE_SLACK = 160;
    private static final System.Logger LOG = System.getLogger(Recorder.class.getName());
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(java.time.ZoneOffset.UTC);

    /**
     * An environment's current episode: its ids, quoted, escaped and encoded once per episode, and its step
     * count. Used only inside the environment's strand (one call at a time), so it needs no lock of its own.
     */
    private static final class Episode {
        final byte[] session; // JSON text, UTF-8
        final byte[] id;      // JSON text, UTF-8: a string or null
        long steps;

        Episode(String session, String id) {
            this.session = quoted(session);
            this.id = id == null ? ascii("null") : quoted(id);
        }
    }

    /** The ISO-8601 text (UTF-8) of one millisecond; many lines share one, so the last is kept (racy and benign). */
    private record Stamp(long millis, byte[] text) {}

    /**
     * A line, begun (what happened, when, to whom, the input) and waiting for the answer's text. {@link
     * #finish} it exactly once; a line never finished is never written. Its parts are kept as UTF-8 bytes
     * and copied straight onto the writer's staging array ({@link LineWriter.Staged}): no text of the
     * whole line is ever built.
     */
    public final class Line implements LineWriter.Staged {
        private final byte[] head;      // RESET or STEP
        private final byte[] stamp;
        private final Episode episode;
        private final long step;
        private final byte[] inputName; // REQUEST or ACTION
        private final byte[] input;
        private final int inputFrom;
        private final int inputTo;
        private final ObjectNode envelope;
        private final long nanos;
        private boolean finished;
        // Set by finish: the envelope's members, from "observation" on, without a leading comma.
        private byte[] members;
        private int membersFrom;
        private int membersTo;
        private boolean noMetadata;

        private Line(byte[] head, Episode episode, long step, byte[] inputName, byte[] input, int inputFrom, int inputTo,
                     ObjectNode envelope, long nanos) {
            this.head = head;
            this.stamp = time(System.currentTimeMillis());
            this.episode = episode;
            this.step = step;
            this.inputName = inputName;
            this.input = input;
            this.inputFrom = inputFrom;
            this.inputTo = inputTo;
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
                members = answer.getBytes(StandardCharsets.UTF_8);
                membersFrom = ENVELOPE_MEMBERS;
                membersTo = members.length - 2;
                noMetadata = metadata == null;
            } else {
                members = envelopeMembers(envelope).getBytes(StandardCharsets.UTF_8);
                membersFrom = 0;
                membersTo = members.length;
            }
            lines.add(this);
        }

        @Override
        public int maxBytes() {
            return LINE_SLACK + stamp.length + episode.session.length + episode.id.length + (inputTo - inputFrom)
                    + (membersTo - membersFrom);
        }

        @Override
        public int copyTo(byte[] dst, int at) {
            at = put(dst, at, head, 0, head.length);
            at = put(dst, at, stamp, 0, stamp.length);
            at = put(dst, at, SESSION_ID, 0, SESSION_ID.length);
            at = put(dst, at, episode.session, 0, episode.session.length);
            at = put(dst, at, EPISODE_ID, 0, EPISODE_ID.length);
            at = put(dst, at, episode.id, 0, episode.id.length);
            at = put(dst, at, STEP_NUMBER, 0, STEP_NUMBER.length);
            at = digits(dst, at, step);
            at = put(dst, at, inputName, 0, inputName.length);
            at = put(dst, at, input, inputFrom, inputTo);
            dst[at++] = ',';
            at = put(dst, at, members, membersFrom, membersTo);
            if (noMetadata) {
                at = put(dst, at, NO_METADATA, 0, NO_METADATA.length);
            }
            at = put(dst, at, DURATION, 0, DURATION.length);
            at = millis(dst, at, nanos);
            dst[at++] = '}';
            dst[at++] = '\n';
            return at;
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
    private volatile Stamp stamp = new Stamp(-1, new byte[0]);

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
        LOG.log(System.Logger.Level.INFO, "recording episodes to {0} (files of at most {1} bytes; lines taken every {2} ms{3})",
                created, maxFileBytes, LineWriter.WAKE_MS, LineWriter.ONE_CORE ? ", one core: a small stage" : "");
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
        byte[] input = codec.writeBytes(request.toWire());
        new Line(RESET, episode, 0, REQUEST, input, 0, input.length, envelope, nanos).finish(null);
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
        if (frame != null) {
            byte[] sent = frame.getBytes(StandardCharsets.UTF_8);
            long range = FrameText.data(sent);
            if (range >= 0) {
                return new Line(STEP, episode, step, ACTION, sent, (int) (range >>> 32), (int) range, envelope, nanos);
            }
        }
        byte[] input = codec.writeBytes(action);
        return new Line(STEP, episode, step, ACTION, input, 0, input.length, envelope, nanos);
    }

    /** Lines dropped because the writer was behind (or closed). */
    public long dropped() {
        return lines.dropped();
    }

    /** Lines written so far. */
    public long written() {
        return lines.written();
    }

    /** The envelope's members as the line holds them: observation, reward, done, metadata (always an object). */
    private String envelopeMembers(ObjectNode envelope) {
        JsonNode reward = envelope.get("reward");
        JsonNode done = envelope.get("done");
        JsonNode metadata = envelope.get("metadata");
        var b = new StringBuilder(256).append("\"observation\":").append(codec.write(envelope.get("observation"))).append(",\"reward\":");
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
        return b.toString();
    }

    /** ISO-8601 of {@code millis}, as UTF-8. */
    private byte[] time(long millis) {
        Stamp s = stamp;
        if (s.millis() != millis) {
            s = new Stamp(millis, ascii(Instant.ofEpochMilli(millis).toString()));
            stamp = s;
        }
        return s.text();
    }

    private static int put(byte[] dst, int at, byte[] src, int from, int to) {
        System.arraycopy(src, from, dst, at, to - from);
        return at + to - from;
    }

    /** The decimal digits of {@code n} (not negative), without making a string. */
    private static int digits(byte[] dst, int at, long n) {
        if (n > Integer.MAX_VALUE) {
            at = digits(dst, at, n / 1_000_000_000L);
            int low = (int) (n % 1_000_000_000L);
            for (int i = at + 8; i >= at; i--, low /= 10) {
                dst[i] = (byte) ('0' + low % 10);
            }
            return at + 9;
        }
        int v = (int) n;
        int count = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10_000 ? 4 : v < 100_000 ? 5
                : v < 1_000_000 ? 6 : v < 10_000_000 ? 7 : v < 100_000_000 ? 8 : v < 1_000_000_000 ? 9 : 10;
        for (int i = at + count - 1; i >= at; i--, v /= 10) {
            dst[i] = (byte) ('0' + v % 10);
        }
        return at + count;
    }

    /** {@code nanos} as milliseconds with three decimals, without the cost of printing a double. */
    private static int millis(byte[] dst, int at, long nanos) {
        long micros = Math.max(0, nanos / 1000);
        at = digits(dst, at, micros / 1000);
        dst[at++] = '.';
        int frac = (int) (micros % 1000);
        dst[at++] = (byte) ('0' + frac / 100);
        dst[at++] = (byte) ('0' + frac / 10 % 10);
        dst[at++] = (byte) ('0' + frac % 10);
        return at;
    }

    /** {@code text} as a JSON string, escaped as Jackson escapes it, in UTF-8. */
    private static byte[] quoted(String text) {
        var b = new StringBuilder(text.length() + 2).append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, b);
        return b.append('"').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes what is staged, closes the file. Idempotent. */
    @Override
    public void close() {
        lines.close();
    }
}
