package dev.openenv.core;

/**
 * An environment whose episode can be copied mid-way: tree search and GRPO-style branching start many
 * sessions from one position. The server's {@code openenv/session/fork} (an extension of ours, see
 * docs/compatibility.md) takes a {@link #snapshot()} of one session's environment and {@link #restore}s it
 * into fresh instances from the same factory, each in its own new session.
 *
 * <p>A snapshot must not share mutable state with the environment (later steps must not change it), and
 * one snapshot may be restored into several instances. {@link Replay} gives deterministic environments
 * both for the price of two lines.
 *
 * @param <T> the snapshot's type
 */
public interface Forkable<T> {
    /** The current episode, independent of what happens to this environment afterwards. */
    T snapshot();

    /** Makes this (fresh) environment continue the episode {@code snapshot} was taken from. */
    void restore(T snapshot);
}
