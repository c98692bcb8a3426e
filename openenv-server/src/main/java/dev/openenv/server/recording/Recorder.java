package dev.openenv.server.recording;

import dev.openenv.core.Action;
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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Records every episode a server plays as JSON Lines: one line per reset and per step, with the session
 * and episode ids, the reset request or the action, the observation, reward, done, metadata, how long the
 * environment took and when. Off the step path: a step only hands references to immutable values to a
 * bounded queue ({@value #QUEUE} events); one writer thread turns them into JSON and writes them, rotating
 * to a new file ({@code episodes-<start>-<n>.jsonl}) past the size limit. When the writer falls that far
 * behind, events are dropped and counted (logged), never waited for.
 *
 * <p>States: RECORDING (from construction) → CLOSED ({@link #close()}: the queue is drained, the file
 * flushed and closed; later events are dropped).
 */
public final class Recorder implements AutoCloseable {
    static final int QUEUE = 65_536;
    private static final System.Logger LOG = System.getLogger(Recorder.class.getName());
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(java.time.ZoneOffset.UTC);

    /** One thing that happened in a session; every field is immutable once handed over. */
    private record Event(String kind, Instant time, String sessionId, String episodeId, long step, Object input,
                         JsonNode observation, JsonNode reward, JsonNode done, JsonNode metadata, long nanos) {}

    private record Episode(String id, AtomicLong steps) {}

    private final Path dir;
    private final long maxFileBytes;
    private final WireCodec codec = WireCodec.standard();
    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
    /** Each environment's current episode (weak: an entry goes with its session's environment). */
    private final java.util.Map<Object, Episode> episodes = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread writer;
    private final String prefix;
    private volatile boolean closed;
    private OutputStream out; // writer thread only
    private long fileBytes;   // writer thread only
    private int fileIndex;    // writer thread only

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

    /** A reset of {@code env} answered: starts its episode. */
    public void reset(String sessionId, Object env, String episodeId, ResetRequest request, ObjectNode envelope, long nanos) {
        episodes.put(env, new Episode(episodeId, new AtomicLong()));
        offer("reset", sessionId, episodeId, 0, request, envelope, nanos);
    }

    /** A step of {@code env} answered. */
    public void step(String sessionId, Object env, Action action, ObjectNode envelope, long nanos) {
        Episode e = episodes.get(env);
        offer("step", sessionId, e == null ? null : e.id(), e == null ? 0 : e.steps().incrementAndGet(), action, envelope, nanos);
    }

    /** Events dropped because the writer was behind (or closed). */
    public long dropped() {
        return dropped.get();
    }

    /** Lines written so far. */
    public long written() {
        return written.get();
    }

    private void offer(String kind, String sessionId, String episodeId, long step, Object input, ObjectNode envelope, long nanos) {
        // References only: the envelope object itself may still gain keys on its way out (HTTP adds metadata).
        var event = new Event(kind, Instant.now(), sessionId, episodeId, step, input, envelope.get("observation"),
                envelope.get("reward"), envelope.get("done"), envelope.get("metadata"), nanos);
        if (closed || !queue.offer(event)) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 10_000 == 0) {
                LOG.log(System.Logger.Level.WARNING, "recorder behind or closed: {0} event(s) dropped so far", n);
            }
        }
    }

    private void drain() {
        try {
            while (!closed || !queue.isEmpty()) {
                Event e = queue.poll(200, TimeUnit.MILLISECONDS);
                if (e == null) {
                    flush();
                    continue;
                }
                write(e);
                if (queue.isEmpty()) {
                    flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "recording stopped: " + e.getMessage(), e);
            closed = true;
        } finally {
            closeFile();
        }
    }

    private void write(Event e) throws IOException {
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.put("type", e.kind());
        line.put("time", e.time().toString());
        line.put("session_id", e.sessionId());
        line.put("episode_id", e.episodeId());
        line.put("step", e.step());
        if (e.input() instanceof ResetRequest r) {
            line.set("request", codec.object(r.toWire()));
        } else {
            line.set("action", codec.toTree(e.input()));
        }
        line.set("observation", e.observation());
        line.set("reward", e.reward() == null ? JsonNodeFactory.instance.nullNode() : e.reward());
        line.set("done", e.done() == null ? JsonNodeFactory.instance.booleanNode(false) : e.done());
        line.set("metadata", e.metadata() == null || e.metadata().isNull() ? JsonNodeFactory.instance.objectNode() : e.metadata());
        line.put("duration_ms", e.nanos() / 1e6);
        byte[] bytes = codec.writeBytes(line);
        if (out == null || fileBytes + bytes.length + 1 > maxFileBytes && fileBytes > 0) {
            rotate();
        }
        out.write(bytes);
        out.write('\n');
        fileBytes += bytes.length + 1;
        written.incrementAndGet();
    }

    private void rotate() throws IOException {
        closeFile();
        Path file = dir.resolve(prefix + "-" + (fileIndex++) + ".jsonl");
        out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        fileBytes = 0;
    }

    private void flush() throws IOException {
        if (out != null) {
            out.flush();
        }
    }

    private void closeFile() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing a record file failed: " + e.getMessage(), e);
            }
            out = null;
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
