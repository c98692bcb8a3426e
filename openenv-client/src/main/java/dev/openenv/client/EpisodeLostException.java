package dev.openenv.client;

/**
 * The episode of a {@link PooledSession} was lost with its replica; the session has already been re-opened on
 * another replica ({@link LostEpisode#movedTo()}), so the caller resets and carries on.
 */
public final class EpisodeLostException extends EnvClientException {
    private final LostEpisode lost;

    public EpisodeLostException(LostEpisode lost, Throwable cause) {
        super("episode lost with replica " + lost.replica() + " after " + lost.stepsTaken() + " steps (" + lost.reason()
                + "); the session now runs on " + lost.movedTo() + ": reset to start a new episode", cause);
        this.lost = lost;
    }

    public LostEpisode lost() {
        return lost;
    }
}
