package dev.openenv.client;

import java.net.URI;
import java.time.Instant;

/**
 * An episode a pooled session lost because its replica went away (crashed, scaled down, unreachable).
 *
 * @param session     the pooled session's number in its pool (0, 1, …)
 * @param replica     the replica that held it
 * @param stepsTaken  steps answered in the episode before it was lost
 * @param at          when the loss was noticed
 * @param reason      what the client saw
 * @param movedTo     where the session was re-opened, or null if no replica could take it
 */
public record LostEpisode(int session, URI replica, long stepsTaken, Instant at, String reason, URI movedTo) {
}
