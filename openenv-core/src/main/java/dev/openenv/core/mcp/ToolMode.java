package dev.openenv.core.mcp;

/** Which server mode a tool is offered in; the reference's {@code mode=} of {@code @tool}. */
public enum ToolMode {
    /** Offered to trainers (simulation) and agents (production) alike. */
    BOTH,
    /** Only while the server runs in simulation mode. */
    SIMULATION,
    /** Only while the server runs in production mode. */
    PRODUCTION
}
