package dev.openenv.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The server's log, as {@code openenv serve} writes it: one line per record on stderr
 * ({@code 2026-12-04T05:01:02.345Z INFO SessionManager: session 1f…: opened kind=websocket slots=1/64}),
 * a stack trace after the line when there is one, at the level {@code --log-level} or
 * {@code OPENENV_LOG_LEVEL} names. Everything logs through {@code System.Logger}, which is
 * {@code java.util.logging} here: configuring its root logger is configuring every logger.
 */
final class Logging {
    static final String VARIABLE = "OPENENV_LOG_LEVEL";

    private Logging() {}

    /**
     * The level called {@code name}: error, warning, info, debug or trace (case-insensitive).
     *
     * @throws IllegalArgumentException naming the levels when it is none of them
     */
    static Level parse(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "error", "severe" -> Level.SEVERE;
            case "warning", "warn" -> Level.WARNING;
            case "info" -> Level.INFO;
            case "debug", "fine" -> Level.FINE;
            case "trace", "finest", "all" -> Level.FINEST;
            default -> throw new IllegalArgumentException("unknown log level '" + name + "': use error, warning, info, debug or trace");
        };
    }

    /** Sends every record at {@code level} or above to stderr, one line each. */
    static void configure(Level level) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler console = new ConsoleHandler(); // stderr
        console.setFormatter(new OneLine());
        console.setLevel(level);
        root.addHandler(console);
        root.setLevel(level);
    }

    /** {@code TIME LEVEL Logger: message}, then the stack trace, if any. */
    static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            String logger = r.getLoggerName() == null ? "" : r.getLoggerName().substring(r.getLoggerName().lastIndexOf('.') + 1);
            var line = new StringBuilder(160).append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                    .append(name(r.getLevel())).append(' ').append(logger).append(": ").append(formatMessage(r)).append('\n');
            if (r.getThrown() != null) {
                var trace = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }

        private static String name(Level level) {
            int v = level.intValue();
            return v >= Level.SEVERE.intValue() ? "ERROR" : v >= Level.WARNING.intValue() ? "WARN"
                    : v >= Level.INFO.intValue() ? "INFO" : v >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
        }
    }
}
