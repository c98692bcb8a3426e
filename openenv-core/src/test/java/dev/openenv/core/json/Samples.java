package dev.openenv.core.json;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.openenv.core.Action;
import dev.openenv.core.Default;
import java.util.List;
import java.util.Map;

/** Record types shaped like the reference's example environments. */
final class Samples {
    private Samples() {}

    enum Move {
        UP, DOWN, LEFT, RIGHT
    }

    enum Mark {
        CROSS("x"), NOUGHT("o");

        private final String wire;

        Mark(String wire) {
            this.wire = wire;
        }

        @JsonValue
        String wire() {
            return wire;
        }
    }

    record Point(int x, int y) {}

    record Limited(@Default("0.0") @dev.openenv.core.Bounds(ge = 0, le = 60) double waitSeconds,
                   @Default("1") @dev.openenv.core.Bounds(gt = 0, lt = 10) int count) implements Action {}

    record Everything(String text, int count, long big, double ratio, boolean flag, Move move, Mark mark,
                      List<String> tags, Map<String, Object> extra, Point at) implements Action {}

    record WithDefaults(@Default("0") int column, @Default("null") String note, @Default("true") boolean loud,
                        Map<String, Object> metadata) implements Action {}

    record Checked(int column) implements Action {
        Checked {
            if (column < 0 || column > 6) {
                throw new IllegalArgumentException("column must be 0..6, got " + column);
            }
        }
    }

    record Observed(String echoedMessage, int messageLength, Double score) {}
}
