package dev.openenv.core.mcp;

/** An observation with no fields of its own (e.g. after reset); its news travels in the step's metadata. */
public record EmptyObservation() implements McpObservation {}
