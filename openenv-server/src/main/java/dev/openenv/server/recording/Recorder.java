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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Records every episode a server plays as JSON Lines: one line per reset and per step, with the session
 * and episode ids, the reset request or the action, the observation, reward, done, metadata, how long the
 * environment took and when. Each line is written as text on the step's own thread, while what it holds
 * is still in that core's cache, and handed to a bounded queue ({@value #QUEUE} lines) without waking
 * anyone; one writer thread, waking every {@value #WAKE_MS} ms (a wake-up costs this project's VMs
 * ~35 µs: every 2 ms that was 0.3 µs per step at N = 64), encodes what has come into its
 * {@link RecordFile}, which reaches the disk at least every 200 ms,
 * bypassing the page cache where it can; past the size limit it starts a new file
 * ({@code episodes-<start>-<n>.jsonl}). When the writer falls that far behind, lines are dropped and
 * counted (logged), never waited for.
 *
 * <p>Why the line is made on the step's thread: when the writer built the lines from the step's objects
 * (the action tree, the envelope's nodes), it spent 1.5–2 µs per line in the server, three times what the
 * same work took in isolation; a profile showed it waiting on memory (the queue's nodes, the trees) made
 * by other threads up to 20 ms before (its wake-up period then). Building the line where its parts are hot costs the
 * step a fraction of that, and the writer then reads one contiguous string per line (BENCHMARKS.md).
 *
 * <p>States: RECORDING (from construction) → CLOSED ({@link #close()}: the queue is drained, the file
 * flushed and closed; later lines are dropped).
 */
public final class Recorder implements AutoCloseable {
    static final int QUEUE = 65_536;
    static final long WAKE_MS = 20;
    /** How long a line may wait in the writer's buffer before it is in the file. */
    static final long FLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
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

    private final Path dir;
    private final long maxFileBytes;
    private final WireCodec codec = WireCodec.standard();
    // No blocking queue: signalling the writer on every line costs a futex wake-up per step (measured:
    // -30 % steps/s at N = 64). The writer wakes on its own every WAKE_MS and drains what has come.
    private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Each environment's current episode (weak: an entry goes with its session's environment). */
    private final Map<Object, Episode> episodes = Collections.synchronizedMap(new WeakHashMap<>());
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread writer;
    private final String prefix;
    private volatile boolean closed;
    private volatile Stamp stamp = new Stamp(-1, "");
    private RecordFile file; // writer thread only
    private int fileIndex;   // writer thread only

    /** Records into {@code dir} (created if missing), starting a new file every {@code maxFileBytes}. */
    public Recorder(Path dir, long maxFileBytes) {
        if (maxFileBytes < 1024) {
            throw new IllegalArgumentException("a record file must be allowed at least 1 KiB, got " + maxFileBytes);
        }
        try {
            this.dir = Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the record directory " + dir + ": " + e.getMessage(), e);
        }
        this.maxFileBytes = maxFileBytes;
        this.prefix = "episodes-" + FILE_TIME.format(Instant.now()) + "-" + ProcessHandle.current().pid();
        this.writer = Thread.ofPlatform().daemon().name("openenv-recorder").start(this::drain);
        LOG.log(System.Logger.Level.INFO, "recording episodes to {0} (files of at most {1} bytes)", this.dir, maxFileBytes);
    }

    /**
     * A reset of {@code env} answered: starts its episode. {@code observation} is the observation's JSON
     * text (the transport's, reused); {@code envelope} the rest of the answer.
     */
    public void reset(String sessionId, Object env, String episodeId, ResetRequest request, String observation, ObjectNode envelope, long nanos) {
        if (closed) {
            drop();
            return;
        }
        var episode = new Episode(sessionId, episodeId);
        episodes.put(env, episode);
        offer(line("reset", episode, 0, "request", codec.write(request.toWire()), observation, envelope, nanos));
    }

    /**
     * A step of {@code env} answered; {@code action} is the action or its JSON as the client sent it,
     * {@code frame} the WebSocket frame it came in (null: it came another way), {@code observation} the
     * observation's JSON text (the transport's, reused). The line takes the action's text from the frame
     * when it can, else serializes {@code action}.
     */
    public void step(String sessionId, Object env, Object action, String frame, String observation, ObjectNode envelope, long nanos) {
        if (closed) {
            drop();
            return;
        }
        Episode episode = episodes.get(env);
        if (episode == null) { // stepped before any recorded reset (the server started recording mid-episode)
            episode = new Episode(sessionId, null);
            episodes.put(env, episode);
        }
        long step = ++episode.steps;
        String sent = frame == null ? null : FrameText.data(frame);
        offer(line("step", episode, step, "action", sent != null ? sent : codec.write(action), observation, envelope, nanos));
    }

    /** Lines dropped because the writer was behind (or closed). */
    public long dropped() {
        return dropped.get();
    }

    /** Lines written so far. */
    public long written() {
        return written.get();
    }

    /** One line, in the order the reference's tools read best: what happened, when, to whom, then the data. */
    private String line(String type, Episode episode, long step, String inputName, String input, String observation,
                        ObjectNode envelope, long nanos) {
        JsonNode reward = envelope.get("reward");
        JsonNode done = envelope.get("done");
        JsonNode metadata = envelope.get("metadata");
        var b = new StringBuilder(160 + input.length() + observation.length());
        b.append("{\"type\":\"").append(type)
                .append("\",\"time\":\"").append(time(System.currentTimeMillis()))
                .append("\",\"session_id\":").append(episode.session)
                .append(",\"episode_id\":").append(episode.id)
                .append(",\"step\":").append(step)
                .append(",\"").append(inputName).append("\":").append(input)
                .append(",\"observation\":").append(observation)
                .append(",\"reward\":");
        if (reward == null || !reward.isNumber() || !Double.isFinite(reward.doubleValue())) {
            b.append("null");
        } else {
            b.append(reward.doubleValue()); // as Jackson writes a double: Double.toString
        }
        b.append(",\"done\":").append(done != null && done.asBoolean())
                .append(",\"metadata\":");
        if (metadata == null || metadata.isNull() || metadata.isEmpty()) {
            b.append("{}");
        } else {
            b.append(codec.write(metadata));
        }
        b.append(",\"duration_ms\":");
        millis(b, nanos);
        return b.append("}\n").toString();
    }

    private void offer(String line) {
        if (queued.incrementAndGet() <= QUEUE) {
            queue.offer(line);
            return;
        }
        queued.decrementAndGet();
        drop();
    }

    private void drop() {
        long n = dropped.incrementAndGet();
        if (n == 1 || n % 10_000 == 0) {
            LOG.log(System.Logger.Level.WARNING, "recorder behind or closed: {0} line(s) dropped so far", n);
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

    private void drain() {
        try {
            long flushed = System.nanoTime();
            while (true) {
                boolean stopping = closed;
                int n = 0;
                for (String line; (line = queue.poll()) != null; n++) {
                    write(line);
                }
                if (n > 0) {
                    queued.addAndGet(-n); // once per batch: the steps' threads increment this one
                    written.addAndGet(n);
                }
                long now = System.nanoTime();
                if (file != null && (stopping || now - flushed >= FLUSH_NANOS)) {
                    file.flush();
                    flushed = now;
                }
                if (stopping && n == 0) {
                    break;
                }
                if (!stopping) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(WAKE_MS));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "recording stopped: " + e.getMessage(), e);
            closed = true;
        } finally {
            closeFile();
        }
    }

    private void write(String line) throws IOException {
        if (file == null || file.length() > maxFileBytes) {
            rotate();
        }
        file.append(line.getBytes(StandardCharsets.UTF_8));
    }

    private void rotate() throws IOException {
        closeFile();
        file = new RecordFile(dir.resolve(prefix + "-" + (fileIndex++) + ".jsonl"));
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing a record file failed: " + e.getMessage(), e);
            }
            file = null;
        }
    }

    /** Writes what is queued, closes the file. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (dropped.get() > 0) {
            LOG.log(System.Logger.Level.WARNING, "recording closed; {0} line(s) were dropped", dropped.get());
        }
    }
}
