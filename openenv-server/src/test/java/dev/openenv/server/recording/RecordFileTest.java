package dev.openenv.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A record file written directly (whole aligned blocks, the last one padded and cut back) must hold, after
 * every flush and at close, exactly the lines appended: no padding, no line lost at a block or buffer
 * boundary, lines longer than the buffer included.
 */
@Timeout(60)
class RecordFileTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"1, true", "2, true", "3, true", "4, false"})
    void holdsExactlyTheLinesAppendedAfterEveryFlush(long seed, boolean direct) throws Exception {
        var random = new Random(seed);
        Path path = dir.resolve("episodes-" + seed + ".jsonl");
        var expected = new ByteArrayOutputStream();
        try (var file = new RecordFile(path, direct)) {
            assertThat(file.direct()).as("written directly as asked (ext4 and tmpfs since Linux 6.6 take O_DIRECT)").isEqualTo(direct);
            for (int batch = 0; batch < 40; batch++) {
                for (int i = 0, n = random.nextInt(600); i < n; i++) {
                    byte[] line = line(random, random.nextInt(50) == 0 ? 5000 : 400);
                    file.append(line);
                    expected.writeBytes(line);
                }
                if (random.nextInt(3) > 0) {
                    file.flush();
                    assertThat(Files.size(path)).isEqualTo(expected.size());
                    assertThat(Files.readAllBytes(path)).isEqualTo(expected.toByteArray());
                }
            }
            assertThat(file.length()).isEqualTo(expected.size());
        }
        assertThat(expected.size()).as("more than one buffer's worth").isGreaterThan(2 * RecordFile.BUFFER);
        assertThat(Files.readAllBytes(path)).isEqualTo(expected.toByteArray());
    }

    @Test
    void aLineLongerThanTheBufferIsWrittenWhole() throws Exception {
        Path path = dir.resolve("long.jsonl");
        byte[] line = line(new Random(9), 3 * RecordFile.BUFFER + 123);
        try (var file = new RecordFile(path)) {
            file.append("{}\n".getBytes(StandardCharsets.UTF_8));
            file.append(line);
        }
        assertThat(Files.size(path)).isEqualTo(3 + line.length);
        assertThat(Files.readString(path)).startsWith("{}\n{\"x\":\"").endsWith("\"}\n");
    }

    @ParameterizedTest
    @CsvSource({"true", "false"})
    void aFlushWithNothingNewWritesNothing(boolean direct) throws Exception {
        Path path = dir.resolve("idle-" + direct + ".jsonl");
        try (var file = new RecordFile(path, direct)) {
            file.flush();
            assertThat(file.writes()).as("nothing appended yet").isZero();
            file.append("{\"a\":1}\n".getBytes(StandardCharsets.UTF_8));
            file.flush();
            file.flush();
            file.flush();
            assertThat(file.writes()).as("an idle recorder flushes every 200 ms; only new lines are written").isEqualTo(1);
            file.append("{\"b\":2}\n".getBytes(StandardCharsets.UTF_8));
            file.flush();
            assertThat(file.writes()).isEqualTo(2);
        }
        assertThat(Files.readString(path)).isEqualTo("{\"a\":1}\n{\"b\":2}\n");
    }

    @Test
    void refusesToTakeOverAnExistingFile() throws Exception {
        Path path = Files.writeString(dir.resolve("taken.jsonl"), "keep me\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RecordFile(path))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(Files.readString(path)).isEqualTo("keep me\n");
    }

    /** One JSON line of about {@code size} bytes, with multi-byte characters. */
    private static byte[] line(Random random, int size) {
        var b = new StringBuilder("{\"x\":\"");
        while (b.length() < size - 3) {
            b.append(random.nextInt(10) == 0 ? 'é' : (char) ('a' + random.nextInt(26)));
        }
        return b.append("\"}\n").toString().getBytes(StandardCharsets.UTF_8);
    }
}
