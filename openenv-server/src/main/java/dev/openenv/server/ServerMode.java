package dev.openenv.server;

import java.util.Locale;

/**
 * Who the server is for. {@link #SIMULATION} (the default) serves the Gym-style API to trainers;
 * {@link #PRODUCTION} hides the HTTP {@code /reset}, {@code /step} and {@code /state} routes so agents
 * see only tools.
 */
public enum ServerMode {
    SIMULATION,
    PRODUCTION;

    /** Parses {@code simulation} / {@code production}, any case. */
    public static ServerMode parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("server mode must be 'simulation' or 'production', got '" + text + "'", e);
        }
    }
}
