package dev.openenv.server.recording;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.json.WireCodec;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Records every episode a server plays as JSON Lines: one line per reset and per step, with the session
 * and episode ids, the reset request or the action, the observation, reward, done, metadata, how long the
 * environment took and when. Off the step path: a step only hands references to immutable values to a
 * bounded queue ({@value #QUEUE} events) without waking anyone; one writer thread, waking every
 * {@value #WAKE_MS} ms, turns what has come into JSON and writes it, rotating
 * to a new file ({@code episodes-<start>-<n>.jsonl}) past the size limit. When the writer falls that far
 * behind, events are dropped and counted (logged), never waited for.
 *
 * <p>States: RECORDING (from construction) → CLOSED ({@link #close()}: the queue is drained, the file
 * flushed and closed; later events are dropped).
 */
public final class Recorder implements AutoCloseable {
    static final int QUEUE = 65_536;
    static final long WAKE_MS = 20;
    private static final System.Logger LOG = System.getLogger(Recorder.class.getName());
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(java.time.ZoneOffset.UTC);

    /** One thing that happened in a session; every field is immutable once handed over. */
    private record Event(boolean reset, long timeMillis, String sessionId, Object env, String episodeId, Object input,
                         String observation, JsonNode reward, JsonNode done, JsonNode metadata, long nanos) {}

    /** An environment's current episode and its step count; the writer thread's alone. */
    private static final class Episode {
        final String id;
        long steps;

        Episode(String id) {
            this.id = id;
        }
    }

    private final Path dir;
    private final long maxFileBytes;
    private final WireCodec codec = WireCodec.standard();
    // No blocking queue: signalling the writer on every event costs a futex wake-up per step (measured:
    // -30 % steps/s at N = 64). The writer wakes on its own every WAKE_MS and drains what has come.
    private final ConcurrentLinkedQueue<Event> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Each environment's current episode (weak: an entry goes with its session's environment). Writer thread only. */
    private final java.util.Map<Object, Episode> episodes = new java.util.WeakHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread writer;
    private final String prefix;
    private volatile boolean closed;
    private OutputStream out; // writer thread only
    private Counting counted; // writer thread only: bytes written to the current file
    private JsonGenerator generator; // writer thread only: one per file, lines separated by \n
    private int fileIndex;    // writer thread only
    /** One writer per action/request class, its serializer resolved once (a lookup per line was measurable). Writer thread only. */
    private final java.util.Map<Class<?>, tools.jackson.databind.ObjectWriter> writers = new java.util.HashMap<>();
    private long lastMillis; // writer thread only
    private String lastTime;  // writer thread only

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

    /** A reset of {@code env} answered (its observation already serialized): starts its episode. */
    public void reset(String sessionId, Object env, String episodeId, ResetRequest request, String observation, ObjectNode envelope, long nanos) {
        offer(true, sessionId, env, episodeId, request, observation, envelope, nanos);
    }

    /** A step of {@code env} answered (its observation already serialized); {@code action} is the action or its JSON. */
    public void step(String sessionId, Object env, Object action, String observation, ObjectNode envelope, long nanos) {
        offer(false, sessionId, env, null, action, observation, envelope, nanos);
    }

    /** Events dropped because the writer was behind (or closed). */
    public long dropped() {
        return dropped.get();
    }

    /** Lines written so far. */
    public long written() {
        return written.get();
    }

    private void offer(boolean reset, String sessionId, Object env, String episodeId, Object input, String observation,
                       ObjectNode envelope, long nanos) {
        // References only: the envelope object itself may still gain keys on its way out (HTTP adds metadata).
        var event = new Event(reset, System.currentTimeMillis(), sessionId, env, episodeId, input, observation,
                envelope.get("reward"), envelope.get("done"), envelope.get("metadata"), nanos);
        if (!closed && queued.incrementAndGet() <= QUEUE) {
            queue.offer(event);
            return;
        }
        if (!closed) {
            queued.decrementAndGet();
        }
        long n = dropped.incrementAndGet();
        if (n == 1 || n % 10_000 == 0) {
            LOG.log(System.Logger.Level.WARNING, "recorder behind or closed: {0} event(s) dropped so far", n);
        }
    }

    private void drain() {
        try {
            while (true) {
                boolean stopping = closed;
                int n = 0;
                for (Event e; (e = queue.poll()) != null; n++) {
                    queued.decrementAndGet();
                    write(e);
                }
                if (n > 0) {
                    flush();
                } else if (stopping) {
                    break;
                } else {
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

    private void write(Event e) throws IOException {
        Episode episode;
        if (e.reset()) {
            episode = new Episode(e.episodeId());
            episodes.put(e.env(), episode);
        } else {
            episode = episodes.computeIfAbsent(e.env(), k -> new Episode(null));
            episode.steps++;
        }
        if (out == null || counted.count > maxFileBytes) {
            rotate();
        }
        JsonGenerator g = generator;
        {
            g.writeStartObject();
            g.writeStringProperty("type", e.reset() ? "reset" : "step");
            g.writeStringProperty("time", time(e.timeMillis()));
            g.writeStringProperty("session_id", e.sessionId());
            g.writeStringProperty("episode_id", episode.id);
            g.writeNumberProperty("step", e.reset() ? 0 : episode.steps);
            g.writeName(e.reset() ? "request" : "action");
            Object input = e.input() instanceof ResetRequest r ? r.toWire() : e.input();
            if (input instanceof JsonNode sent) {
                g.writeTree(sent); // the action as the client sent it: no serializer to look up
            } else {
                writers.computeIfAbsent(input.getClass(), type -> codec.mapper().writerFor(type)).writeValue(g, input);
            }
            g.writeName("observation");
            g.writeRawValue(e.observation());
            g.writeName("reward");
            // Scalars and the usual empty metadata are written directly: writeTree goes through a serializer lookup.
            if (e.reward() == null || !e.reward().isNumber()) {
                g.writeNull();
            } else {
                g.writeNumber(e.reward().doubleValue());
            }
            g.writeBooleanProperty("done", e.done() != null && e.done().asBoolean());
            g.writeName("metadata");
            if (e.metadata() == null || e.metadata().isNull() || e.metadata().isEmpty()) {
                g.writeStartObject();
                g.writeEndObject();
            } else {
                g.writeTree(e.metadata());
            }
            g.writeName("duration_ms");
            g.writeNumber(millis(e.nanos()));
            g.writeEndObject();
            g.writeRaw('\n');
        }
        written.incrementAndGet();
    }

    /** ISO-8601 of {@code millis}; many lines share a millisecond, so the last one is kept. */
    private String time(long millis) {
        if (millis != lastMillis || lastTime == null) {
            lastMillis = millis;
            lastTime = Instant.ofEpochMilli(millis).toString();
        }
        return lastTime;
    }

    /** {@code nanos} as milliseconds with three decimals, without the cost of printing a double. */
    private static String millis(long nanos) {
        long micros = Math.max(0, nanos / 1000);
        long frac = micros % 1000;
        return (micros / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }

    /** Counts what reaches the file, for rotation by size. */
    private static final class Counting extends java.io.FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    private void rotate() throws IOException {
        closeFile();
        Path file = dir.resolve(prefix + "-" + (fileIndex++) + ".jsonl");
        counted = new Counting(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
        out = counted;
        // One generator per file; it buffers, so the count lags by at most its buffer (8 KiB).
        generator = codec.mapper().writer().withRootValueSeparator("").createGenerator(out);
    }

    private void flush() throws IOException {
        if (generator != null) {
            generator.flush();
        }
    }

    private void closeFile() {
        if (out != null) {
            try {
                generator.close();
                out.close();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing a record file failed: " + e.getMessage(), e);
            }
            out = null;
            generator = null;
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
            LOG.log(System.Logger.Level.WARNING, "recording closed; {0} event(s) were dropped", dropped.get());
        }
    }
}
