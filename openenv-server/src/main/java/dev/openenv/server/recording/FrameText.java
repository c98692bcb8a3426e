package dev.openenv.server.recording;

/**
 * Where a WebSocket frame's {@code data} member lies in the frame's UTF-8 bytes, as the client sent it:
 * the recorder copies those bytes into its line instead of serializing the parsed action again (~0.4 µs of the step's thread per step at
 * N = 64, a fifth of what recording cost pinned; BENCHMARKS.md).
 *
 * <p>Only for a frame the server's JSON parser has already accepted: the scan checks the frame's shape,
 * not its grammar. When the member's text could not stand in a JSON Lines record as it is — a line break
 * between its tokens, an escaped member name, anything but an object — it answers -1, and the caller
 * serializes the parsed tree. The scan reads bytes: every byte of a multi-byte UTF-8 character is
 * negative, so none is taken for a quote, a bracket or a comma. A repeated {@code data} member gives the last one, as the parsed tree
 * does.
 */
final class FrameText {
    private FrameText() {}

    /**
     * Where the object {@code frame}'s {@code data} member's value lies: its first byte's index shifted left
     * by 32, or'd with the index after its last byte; -1 when it cannot be taken (see the class comment).
     */
    static long data(byte[] frame) {
        int n = frame.length;
        int i = space(frame, 0);
        if (i >= n || frame[i] != '{') {
            return -1;
        }
        long found = -1;
        i++;
        while (true) {
            i = space(frame, i);
            if (i >= n) {
                return -1;
            }
            byte c = frame[i];
            if (c == '}') {
                return found;
            }
            if (c == ',') {
                i++;
                continue;
            }
            if (c != '"') {
                return -1;
            }
            int nameEnd = stringEnd(frame, i);
            if (nameEnd < 0) {
                return -1;
            }
            boolean isData = nameEnd - i == 6 && frame[i + 1] == 'd' && frame[i + 2] == 'a' && frame[i + 3] == 't' && frame[i + 4] == 'a';
            i = space(frame, nameEnd);
            if (i >= n || frame[i] != ':') {
                return -1;
            }
            int start = space(frame, i + 1);
            int end = valueEnd(frame, start);
            if (end < 0) {
                return -1;
            }
            if (isData) {
                found = frame[start] == '{' ? (long) start << 32 | end : -1;
            }
            i = end;
        }
    }

    /** The index after the string starting at {@code i}; -1 when it holds an escape or does not end. */
    private static int stringEnd(byte[] s, int i) {
        for (int j = i + 1, n = s.length; j < n; j++) {
            byte c = s[j];
            if (c == '"') {
                return j + 1;
            }
            if (c == '\\') {
                return -1;
            }
        }
        return -1;
    }

    /**
     * The index after the value starting at {@code i}; -1 when a line break lies between its tokens (strict
     * JSON has none inside strings) or the frame ends first.
     */
    private static int valueEnd(byte[] s, int i) {
        int n = s.length;
        if (i >= n) {
            return -1;
        }
        int depth = 0;
        boolean inString = false;
        for (int j = i; j < n; j++) {
            byte c = s[j];
            if (inString) {
                if (c == '\\') {
                    j++;
                } else if (c == '"') {
                    inString = false;
                    if (depth == 0) {
                        return j + 1;
                    }
                }
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '{', '[' -> depth++;
                case '}', ']' -> {
                    if (depth == 0) {
                        return j; // the end of a scalar, at its container's close
                    }
                    if (--depth == 0) {
                        return j + 1;
                    }
                }
                case ',', ' ', '\t' -> {
                    if (depth == 0) {
                        return j;
                    }
                }
                case '\n', '\r' -> {
                    return -1;
                }
                default -> { }
            }
        }
        return depth == 0 && !inString ? n : -1;
    }

    private static int space(byte[] s, int i) {
        int n = s.length;
        while (i < n) {
            byte c = s[i];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            i++;
        }
        return i;
    }
}
