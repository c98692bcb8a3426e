package dev.openenv.server.ws;

/**
 * Assembles one connection's text message from its fragments, bounded by the message size limit counted
 * in UTF-8 bytes. Used by the connection's reader thread only.
 *
 * <p>States: EMPTY ──a fragment, not the last──▶ GATHERING ──the last fragment──▶ EMPTY (the message is
 * handed out); GATHERING ──past the limit──▶ EMPTY (what was gathered is dropped; the caller closes).
 */
final class Fragments {
    /** What a fragment made of the message so far. */
    sealed interface Outcome {
        /** The whole message. */
        record Whole(String message) implements Outcome {}

        /** More fragments are to come. */
        record Partial() implements Outcome {}

        /** The message outgrew the limit; what was gathered is dropped. */
        record TooBig() implements Outcome {}
    }

    private static final Outcome PARTIAL = new Outcome.Partial();
    private static final Outcome TOO_BIG = new Outcome.TooBig();

    private final int maxMessageBytes;
    private StringBuilder gathered = new StringBuilder();
    private long gatheredBytes;

    Fragments(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Whether no message is being gathered (a message that comes whole in one frame needs no assembling). */
    boolean empty() {
        return gathered.isEmpty();
    }

    /** Takes the next fragment of a message ({@code last}: it ends the message). */
    Outcome add(String text, boolean last) {
        // Helidon bounds each frame; the whole message is bounded here, before it is held.
        gatheredBytes += utf8Length(text);
        if (gatheredBytes > maxMessageBytes) {
            clear();
            return TOO_BIG;
        }
        gathered.append(text);
        if (!last) {
            return PARTIAL;
        }
        String message = gathered.toString();
        clear();
        return new Outcome.Whole(message);
    }

    /** Drops what was gathered; a large message's buffer is not kept for the next one. */
    private void clear() {
        gathered = new StringBuilder();
        gatheredBytes = 0;
    }

    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
