package dev.openenv.runtime.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The last lines a server printed, kept for error messages, each also handed to an optional consumer.
 * Bounded (lines and characters per line) so a chatty server cannot fill the heap. Thread-safe.
 */
public final class LogBuffer implements Consumer<String> {
    static final int MAX_LINES = 400;
    static final int MAX_LINE_CHARS = 2000;

    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private final Consumer<String> consumer;
    private long dropped;

    public LogBuffer(Consumer<String> consumer) {
        this.consumer = consumer;
    }

    @Override
    public void accept(String line) {
        String kept = line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + " …" : line;
        synchronized (this) {
            if (lines.size() == MAX_LINES) {
                lines.removeFirst();
                dropped++;
            }
            lines.addLast(kept);
        }
        if (consumer != null) {
            try {
                consumer.accept(line);
            } catch (RuntimeException ignored) {
                // A failing log consumer must not stop the log from being read (the server would block on a full pipe).
            }
        }
    }

    /** Adds every line of {@code text} (e.g. a chunk of a container's log stream). */
    public void acceptChunk(String text) {
        text.lines().forEach(this);
    }

    /** The kept lines, oldest first, with a note when older ones were dropped. */
    public synchronized String text() {
        var sb = new StringBuilder();
        if (dropped > 0) {
            sb.append("[").append(dropped).append(" earlier lines dropped]\n");
        }
        lines.forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    /** Reads {@code in} line by line into this buffer on a virtual thread until end of stream. */
    public Thread pump(InputStream in, String name) {
        return Thread.ofVirtual().name(name).start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    accept(line);
                }
            } catch (IOException ignored) {
                // The stream closes when the process is destroyed.
            }
        });
    }
}
