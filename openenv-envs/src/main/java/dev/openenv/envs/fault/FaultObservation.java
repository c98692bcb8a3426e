package dev.openenv.envs.fault;

/** The fault environment's answer: the message it was given and how long it slept. */
public record FaultObservation(String message, double sleptS) {}
