package dev.openenv.server.recording;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the recorder's lines go: each whole line is copied, on the thread that made it, onto the end of
 * one shared staging array ({@link Staged}), under a lock held for that copy only; one writer thread wakes every
 * 20 ms while lines come (5 ms on one core, {@link #ONE_CORE}; 20 ms when none came), takes the whole array
 * (another takes its place) and copies it into its {@link RecordFile},
 * which reaches the disk at least every 200 ms, bypassing the page cache where it can; past the size
 * limit it starts the next file ({@code <prefix>-<n>.jsonl}), at a line's end. The staging array grows
 * while the writer is behind, up to {@value #STAGE_MAX} bytes; past that, lines are dropped and counted
 * (logged), never waited for.
 *
 * <p>States: OPEN (from construction) → CLOSED ({@link #close()}, or the writer failing: what is staged is
 * written, the file flushed and closed; later lines are dropped).
 */
final class LineWriter implements AutoCloseable {
    /**
     * Whether this process runs on one core (pinned with taskset, or a container's CPU limit of one): the
     * writer then shares the steps' core, its cache included. Measured both ways (openenv-bench/NOTES.md,
     * recording, fourth pass): on one core, a stage filled for 20 ms (2 MiB arrays, streamed through by
     * every step and again by the writer, on a core with a 1 MiB L2 cache) pushed the step path's own data
     * out of the cache — the steps' CPU was ~1 µs per step higher than with a 256 KiB stage taken every
     * 5 ms; with more cores the small stage cost more than it saved (the writer's four times as many
     * wake-ups, ~35 µs each on this project's VMs, land on a core the steps also use): −7 % steps/s.
     */
    static final boolean ONE_CORE = Runtime.getRuntime().availableProcessors() == 1;
    /** The staging array's first size, and the size it goes back to after a burst: one wake-up's lines, and some. */
    static final int STAGE = ONE_CORE ? 256 << 10 : 2 << 20;
    /** The most the staging array may hold: lines beyond it, while the writer is behind, are dropped. */
    static final int STAGE_MAX = 64 << 20;
    /** How often the writer takes the stage while lines come. */
    static final long WAKE_MS = ONE_CORE ? 5 : 20;
    /** How often the writer looks when nothing came at its last look (an idle server wakes it 50 times a second). */
    static final long IDLE_WAKE_MS = 20;
    /** How long a line may wait in the writer's buffer before it is in the file. */
    static final long FLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final System.Logger LOG = System.getLogger(LineWriter.class.getName());

    private final Path dir;
    private final String prefix;
    private final long maxFileBytes;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;
    // No queue and no signal: signalling the writer on every line costs a futex wake-up per step (measured:
    // -30 % steps/s at N = 64). The writer wakes on its own every WAKE_MS and takes what has come.
    private final ReentrantLock stageLock = new ReentrantLock();
    private byte[] staged = new byte[STAGE]; // guarded by stageLock
    private int stagedBytes;                 // guarded by stageLock
    private int stagedLines;                 // guarded by stageLock
    private boolean sealed;                  // guarded by stageLock: the writer has taken its last
    private byte[] spare = new byte[STAGE];  // writer thread only
    private RecordFile file;                 // writer thread only
    private int fileIndex;                   // writer thread only

    /** Writes files {@code <prefix>-<n>.jsonl} into {@code dir}, the next one after each {@code maxFileBytes}. */
    LineWriter(Path dir, String prefix, long maxFileBytes) {
        this.dir = dir;
        this.prefix = prefix;
        this.maxFileBytes = maxFileBytes;
        this.writer = Thread.ofPlatform().daemon().name("openenv-recorder").start(this::drain);
    }

    /** Whether lines are still taken. */
    boolean closed() {
        return closed;
    }

    /** Lines dropped because the writer was behind (or closed). */
    long dropped() {
        return dropped.get();
    }

    /** Lines written so far. */
    long written() {
        return written.get();
    }

    /** A line that copies itself, as UTF-8, onto the staging array. */
    interface Staged {
        /** At most how many bytes the line takes. */
        int maxBytes();

        /**
         * Copies the whole line, ending in a line break, to {@code dst} from {@code at}; answers where it
         * ended. Called with the staging lock held: it only copies.
         */
        int copyTo(byte[] dst, int at);
    }

    /** Copies a whole line onto the staging array, growing it while the writer is behind; drops it past the limit. */
    void add(Staged line) {
        int max = line.maxBytes();
        stageLock.lock();
        try {
            int need = stagedBytes + max;
            if (!sealed && need > staged.length && need <= STAGE_MAX) {
                staged = Arrays.copyOf(staged, (int) Math.min(STAGE_MAX, Math.max(need, 2L * staged.length)));
            }
            if (!sealed && need <= staged.length) {
                stagedBytes = line.copyTo(staged, stagedBytes);
                stagedLines++;
                return;
            }
        } finally {
            stageLock.unlock();
        }
        drop();
    }

    /** Counts a line that was not recorded (logged now and then). */
    void drop() {
        long n = dropped.incrementAndGet();
        if (n == 1 || n % 10_000 == 0) {
            LOG.log(System.Logger.Level.WARNING, "recorder behind or closed: {0} line(s) dropped so far", n);
        }
    }

    private void drain() {
        try {
            long flushed = System.nanoTime();
            while (true) {
                boolean stopping = closed;
                int took = write(stopping);
                long now = System.nanoTime();
                if (file != null && (stopping || now - flushed >= FLUSH_NANOS)) {
                    file.flush();
                    flushed = now;
                }
                if (stopping) {
                    break;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(took > 0 ? WAKE_MS : IDLE_WAKE_MS));
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "recording stopped: " + e.getMessage(), e);
            closed = true;
            seal();
        } finally {
            closeFile();
        }
    }

    /**
     * Takes what is staged ({@code last}: for good, later lines are dropped) and writes it, line by line
     * across files; answers how many bytes it took.
     */
    private int write(boolean last) throws IOException {
        byte[] taken;
        int bytes;
        int lines;
        stageLock.lock();
        try {
            sealed |= last;
            taken = staged;
            bytes = stagedBytes;
            lines = stagedLines;
            staged = spare;
            stagedBytes = 0;
            stagedLines = 0;
        } finally {
            stageLock.unlock();
        }
        // After a burst grew the array, a small one takes its place again once the burst is written.
        spare = taken.length > STAGE && bytes < STAGE / 2 ? new byte[STAGE] : taken;
        int off = 0;
        while (off < bytes) {
            if (file == null || file.length() > maxFileBytes) {
                rotate();
            }
            // Whole lines while the file is within its limit: up to the end of the line that crosses it.
            long room = maxFileBytes - file.length();
            int end = room >= bytes - off ? bytes : lineEnd(taken, off + (int) room, bytes);
            file.append(taken, off, end - off);
            off = end;
        }
        if (lines > 0) {
            written.addAndGet(lines);
        }
        return bytes;
    }

    /** Just past the first line break at or after {@code from} (or {@code limit}). */
    private static int lineEnd(byte[] bytes, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return limit;
    }

    private void seal() {
        stageLock.lock();
        try {
            sealed = true;
        } finally {
            stageLock.unlock();
        }
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

    /** Writes what is staged, closes the file. Idempotent. */
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
