package dev.openenv.server.recording;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One record file, written by the recorder's writer thread only: lines are appended to a buffer and
 * written when {@link #BUFFER} bytes have gathered or {@link #flush()} is called.
 *
 * <p>Where the file system allows it the file is opened with {@code O_DIRECT}: the lines go from one
 * reused buffer to the disk, not through the page cache. Written through the page cache, every line
 * took fresh page-cache memory — gigabytes an hour at tens of thousands of steps per second, evicting
 * what the machine had cached — and on this project's VMs (nested virtualization, freed memory handed
 * back to the host) writing a 400-byte line cost 0.4–1.3 µs of CPU, against 0.08–0.1 µs direct; the
 * server's core paid it (BENCHMARKS.md, recording). Direct writes must be whole aligned blocks, so the
 * last, partial block is written padded with line breaks and the file cut back to its true length
 * straight after; the block is written again, fuller, at the next write. A reader that opens the file in
 * between may see a few empty lines at its end, never a broken one. Where {@code O_DIRECT} is refused
 * (tmpfs on older kernels, some overlay file systems), the file is written through the page cache.
 */
final class RecordFile implements AutoCloseable {
    /** Bytes gathered before they are written: on one core, small enough to stay in its cache beside the stage. */
    static final int BUFFER = LineWriter.ONE_CORE ? 256 << 10 : 1 << 20;
    private static final System.Logger LOG = System.getLogger(RecordFile.class.getName());

    private final Path path;
    private FileChannel channel;
    private boolean direct;
    private final int block;
    private final ByteBuffer buffer;
    /** Where in the file the buffer's first byte goes (a multiple of {@link #block} when direct). */
    private long bufferStart;
    /** Bytes of lines appended, in all: the file's true length once flushed. */
    private long length;
    /** {@link #length} when the buffer was last written: a flush with nothing new writes nothing. */
    private long writtenLength;
    /** Writes to the file so far (for tests). */
    private long writes;

    /** A new file at {@code path} (which must not exist), written directly where the file system allows. */
    RecordFile(Path path) throws IOException {
        this(path, true);
    }

    /** As above; {@code tryDirect} false writes through the page cache (the fallback, for tests). */
    RecordFile(Path path, boolean tryDirect) throws IOException {
        this.path = path;
        FileChannel opened;
        int blockSize;
        try {
            if (!tryDirect) {
                throw new UnsupportedOperationException("not asked for");
            }
            opened = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
            blockSize = (int) Files.getFileStore(path).getBlockSize();
            direct = blockSize > 0 && blockSize <= 1 << 16 && Integer.bitCount(blockSize) == 1;
            if (!direct) {
                opened.close();
                opened = FileChannel.open(path, StandardOpenOption.WRITE);
            }
        } catch (java.nio.file.FileAlreadyExistsException taken) {
            throw taken;
        } catch (IOException | UnsupportedOperationException refused) {
            Files.deleteIfExists(path); // created before O_DIRECT was refused, on some file systems
            opened = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            blockSize = 1;
            direct = false;
            if (tryDirect) {
                LOG.log(System.Logger.Level.INFO, "{0}: the file system refuses O_DIRECT ({1}); writing through the page cache", path, refused.getMessage());
            }
        }
        this.channel = opened;
        this.block = direct ? blockSize : 1;
        this.buffer = ByteBuffer.allocateDirect(BUFFER + 2 * Math.max(block, 4096)).alignedSlice(Math.max(block, 4096));
    }

    /** Whether the file is written with {@code O_DIRECT} (for tests and the log). */
    boolean direct() {
        return direct;
    }

    /** Bytes of lines appended so far. */
    long length() {
        return length;
    }

    /** Appends {@code bytes} (whole lines), writing what has gathered when the buffer is full. */
    void append(byte[] bytes) throws IOException {
        append(bytes, 0, bytes.length);
    }

    /** Appends {@code count} bytes of {@code bytes} from {@code offset} (whole lines). */
    void append(byte[] bytes, int offset, int count) throws IOException {
        int off = offset;
        int end = offset + count;
        while (off < end) {
            int room = BUFFER - buffer.position();
            if (room == 0) {
                write(false);
                continue;
            }
            int n = Math.min(room, end - off);
            buffer.put(bytes, off, n);
            off += n;
            length += n;
        }
    }

    /** Writes to the file so far (for tests). */
    long writes() {
        return writes;
    }

    /**
     * Writes everything appended, so that the file holds every line so far and nothing else. Without new
     * lines since the last write it does nothing (a direct file's partial last block stays in the buffer,
     * already in the file).
     */
    void flush() throws IOException {
        if (length > writtenLength) {
            write(true);
        }
    }

    /**
     * Writes the buffer: its whole blocks, and with {@code tail} its partial last block too (padded; the
     * file cut back after). Whole blocks leave the buffer; a partial block stays, to be written again.
     */
    private void write(boolean tail) throws IOException {
        int end = buffer.position();
        int whole = end - end % block;
        int upTo = tail ? roundUp(end) : whole;
        if (upTo > end) {
            byte[] pad = new byte[upTo - end];
            Arrays.fill(pad, (byte) '\n');
            buffer.put(pad);
        }
        try {
            writeFully(0, upTo);
        } catch (IOException e) {
            if (!direct) {
                throw e;
            }
            // Some file systems accept O_DIRECT at open and refuse the write: go on through the page cache.
            LOG.log(System.Logger.Level.INFO, "{0}: a direct write failed ({1}); writing through the page cache", path, e.getMessage());
            channel.close();
            channel = FileChannel.open(path, StandardOpenOption.WRITE);
            direct = false;
            writeFully(0, end);
            whole = end;
            upTo = end;
        }
        if (upTo > end) {
            channel.truncate(bufferStart + end);
        }
        // Keep the partial block (if any) at the buffer's start, to be written again when it has grown.
        buffer.limit(end).position(whole);
        buffer.compact();
        bufferStart += whole;
        writtenLength = length;
        writes++;
    }

    private void writeFully(int from, int to) throws IOException {
        ByteBuffer slice = buffer.duplicate().limit(to).position(from);
        long at = bufferStart + from;
        while (slice.hasRemaining()) {
            at += channel.write(slice, at);
        }
    }

    private int roundUp(int n) {
        return (n + block - 1) / block * block;
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            channel.close();
        }
    }
}
