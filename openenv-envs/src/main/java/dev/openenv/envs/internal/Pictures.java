package dev.openenv.envs.internal;

import java.util.List;
import java.util.Map;

/**
 * Drawing for the bundled environments' renderings: boards of cells (one character per cell) as SVG,
 * and rows of labelled tiles (cards, wordle letters). Plain SVG 1.1, no scripts, no external resources,
 * so a browser can show it as an image. Not API (the package is not exported).
 */
public final class Pictures {
    /** How one kind of cell looks: fill colour, and whether it is drawn as a disc (else a square). */
    public record Cell(String fill, boolean disc) {
        public static Cell square(String fill) {
            return new Cell(fill, false);
        }

        public static Cell disc(String fill) {
            return new Cell(fill, true);
        }
    }

    /** A tile: its text, fill and text colour. */
    public record Tile(String text, String fill, String ink) {}

    private static final int CELL = 32;

    private Pictures() {}

    /** A board: {@code rows[r].charAt(c)} looked up in {@code cells}; unknown characters are background. */
    public static String board(List<String> rows, Map<Character, Cell> cells, String background) {
        int height = rows.size();
        int width = rows.stream().mapToInt(String::length).max().orElse(0);
        var svg = open(width * CELL, height * CELL, background);
        for (int r = 0; r < height; r++) {
            String row = rows.get(r);
            for (int c = 0; c < row.length(); c++) {
                Cell cell = cells.get(row.charAt(c));
                if (cell == null) {
                    continue;
                }
                int x = c * CELL;
                int y = r * CELL;
                if (cell.disc()) {
                    svg.append(String.format("<circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"%s\"/>", x + CELL / 2, y + CELL / 2, CELL / 2 - 3, cell.fill()));
                } else {
                    svg.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>", x + 1, y + 1, CELL - 2, CELL - 2, cell.fill()));
                }
            }
        }
        return svg.append("</svg>").toString();
    }

    /** Rows of tiles, each row with an optional caption on its left. */
    public static String tiles(List<String> captions, List<List<Tile>> rows, String background) {
        int captionWidth = captions.stream().mapToInt(String::length).max().orElse(0) * 9 + (captions.isEmpty() ? 0 : 12);
        int width = captionWidth + rows.stream().mapToInt(List::size).max().orElse(0) * (CELL + 8) + 8;
        var svg = open(width, rows.size() * (CELL + 12) + 12, background);
        for (int r = 0; r < rows.size(); r++) {
            int y = 12 + r * (CELL + 12);
            if (r < captions.size()) {
                svg.append(String.format("<text x=\"8\" y=\"%d\" font-family=\"monospace\" font-size=\"14\" fill=\"#222\">%s</text>",
                        y + CELL / 2 + 5, escape(captions.get(r))));
            }
            List<Tile> row = rows.get(r);
            for (int i = 0; i < row.size(); i++) {
                Tile t = row.get(i);
                int x = captionWidth + 8 + i * (CELL + 8);
                svg.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"%s\" stroke=\"#555\"/>", x, y, CELL, CELL, t.fill()));
                svg.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-family=\"sans-serif\" font-weight=\"bold\""
                        + " font-size=\"14\" fill=\"%s\">%s</text>", x + CELL / 2, y + CELL / 2 + 5, t.ink(), escape(t.text())));
            }
        }
        return svg.append("</svg>").toString();
    }

    private static StringBuilder open(int width, int height, String background) {
        return new StringBuilder().append(String.format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">"
                + "<rect width=\"100%%\" height=\"100%%\" fill=\"%s\"/>", width, height, width, height, background));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
