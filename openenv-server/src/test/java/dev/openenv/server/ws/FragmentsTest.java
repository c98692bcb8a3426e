package dev.openenv.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FragmentsTest {
    private static final String ALPHABET = "ab{}\":, é€😀\u0000";

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void aMessageCutIntoRandomFragmentsComesOutWhole(long seed) {
        var random = new Random(seed);
        var fragments = new Fragments(1 << 20);
        for (int m = 0; m < 50; m++) {
            String message = text(random, random.nextInt(400));
            int at = 0;
            Fragments.Outcome outcome = null;
            while (true) {
                int end = Math.min(message.length(), at + random.nextInt(40));
                if (end > 0 && end < message.length() && Character.isHighSurrogate(message.charAt(end - 1))) {
                    end++; // a text frame ends on a whole character
                }
                boolean last = end == message.length();
                outcome = fragments.add(message.substring(at, end), last);
                if (last) {
                    break;
                }
                assertThat(outcome).isInstanceOf(Fragments.Outcome.Partial.class);
                at = end;
            }
            assertThat(outcome).isEqualTo(new Fragments.Outcome.Whole(message));
            assertThat(fragments.empty()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15})
    void theLimitCountsUtf8BytesAcrossFragments(long seed) {
        var random = new Random(seed);
        for (int m = 0; m < 50; m++) {
            String message = text(random, 1 + random.nextInt(200));
            int bytes = message.getBytes(StandardCharsets.UTF_8).length;
            assertThat(Fragments.utf8Length(message)).isEqualTo(bytes);
            int half = message.length() / 2;
            if (half > 0 && Character.isHighSurrogate(message.charAt(half - 1))) {
                half++;
            }
            var exact = new Fragments(bytes);
            exact.add(message.substring(0, half), false);
            assertThat(exact.add(message.substring(half), true)).isEqualTo(new Fragments.Outcome.Whole(message));

            var under = new Fragments(bytes - 1);
            Fragments.Outcome first = under.add(message.substring(0, half), false);
            Fragments.Outcome second = first instanceof Fragments.Outcome.TooBig ? first : under.add(message.substring(half), true);
            assertThat(second).isInstanceOf(Fragments.Outcome.TooBig.class);
            assertThat(under.empty()).as("what was gathered is dropped").isTrue();
        }
    }

    @Test
    void afterAMessageTooBigTheNextMessageIsGatheredAfresh() {
        var fragments = new Fragments(10);
        assertThat(fragments.add("0123456", false)).isInstanceOf(Fragments.Outcome.Partial.class);
        assertThat(fragments.add("789ab", false)).isInstanceOf(Fragments.Outcome.TooBig.class);
        assertThat(fragments.add("abc", false)).isInstanceOf(Fragments.Outcome.Partial.class);
        assertThat(fragments.add("def", true)).isEqualTo(new Fragments.Outcome.Whole("abcdef"));
    }

    private static String text(Random random, int length) {
        var b = new StringBuilder();
        int[] cps = ALPHABET.codePoints().toArray();
        for (int i = 0; i < length; i++) {
            b.appendCodePoint(cps[random.nextInt(cps.length)]);
        }
        return b.toString();
    }
}
