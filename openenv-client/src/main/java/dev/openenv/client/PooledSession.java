package dev.openenv.client;

import dev.openenv.core.Action;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.State;
import dev.openenv.core.StepResult;
import java.net.URI;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * One session of an {@link EnvPool}: the calls of {@link EnvClient}, on whichever replica holds it now.
 * States:
 * <pre>
 *   placed ──reset/step/state──▶ placed
 *     ├──replica full at reset──▶ moved to another replica, reset retried (nothing lost)
 *     ├──replica lost mid-episode──▶ moved, EpisodeLostException (reset next)
 *     │                               └─ no replica left ──▶ unplaced ──next reset──▶ placed again, or fails
 *     └──close()──▶ closed
 * </pre>
 * Used by one thread at a time.
 */
public final class PooledSession<A extends Action, O, S extends State> implements AutoCloseable {
    private final EnvPool<A, O, S> pool;
    private final int number;
    private EnvClient<A, O, S> client; // null while unplaced
    private URI replica;
    private long steps;
    private boolean closed;

    PooledSession(EnvPool<A, O, S> pool, int number) {
        this.pool = pool;
        this.number = number;
    }

    /** The replica holding this session now, or null while no replica could take it. */
    public URI replica() {
        return replica;
    }

    /** This session's number in its pool. */
    public int number() {
        return number;
    }

    public StepResult<O> reset() {
        return reset(ResetRequest.none());
    }

    public StepResult<O> reset(long seed) {
        return reset(ResetRequest.seeded(seed));
    }

    /**
     * Starts an episode; a replica that refuses it for capacity, or cannot be reached, is left for another.
     *
     * @throws CapacityReachedException when every replica is full
     * @throws ConnectException         when none can be reached
     */
    public StepResult<O> reset(ResetRequest request) {
        requireOpen();
        Set<URI> tried = new HashSet<>();
        RuntimeException last = null;
        while (true) {
            if (client == null) {
                place(tried, last);
            }
            try {
                StepResult<O> result = client.reset(request);
                steps = 0;
                return result;
            } catch (CapacityReachedException e) {
                pool.full(replica, e);
                last = e;
            } catch (SessionLostException | ConnectException e) {
                pool.down(replica);
                last = e;
            }
            tried.add(replica);
            leave();
        }
    }

    /** @throws EpisodeLostException when the replica went away; the session has moved, reset next */
    public StepResult<O> step(A action) {
        requireOpen();
        requirePlaced();
        try {
            StepResult<O> result = client.step(action);
            steps++;
            return result;
        } catch (SessionLostException e) {
            throw lose(e);
        }
    }

    /** @throws EpisodeLostException when the replica went away; the session has moved, reset next */
    public S state() {
        requireOpen();
        requirePlaced();
        try {
            return client.state();
        } catch (SessionLostException e) {
            throw lose(e);
        }
    }

    /** Ends the session on its replica. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        leave();
    }

    /** Opens a connection on a replica not in {@code tried}, or fails with what went wrong last. */
    void place(Set<URI> tried) {
        place(tried == null ? new HashSet<>() : tried, null);
    }

    private void place(Set<URI> tried, RuntimeException last) {
        while (true) {
            URI uri = pool.reserve(tried);
            if (uri == null) {
                String why = "no replica can take a session: " + pool.describe();
                if (last instanceof CapacityReachedException full) {
                    throw full;
                }
                throw new ConnectException(why + (last == null ? "" : "; last failure: " + last.getMessage()), last);
            }
            try {
                client = EnvClient.connect(uri.toString(), pool.type(), pool.options());
                replica = uri;
                return;
            } catch (ConnectException e) {
                pool.released(uri);
                pool.down(uri);
                tried.add(uri);
                last = e;
            }
        }
    }

    private EpisodeLostException lose(SessionLostException cause) {
        URI old = replica;
        pool.down(old);
        leave();
        URI movedTo = null;
        try {
            place(new HashSet<>(Set.of(old)), cause);
            movedTo = replica;
        } catch (EnvClientException noneLeft) {
            cause.addSuppressed(noneLeft);
        }
        var lost = new LostEpisode(number, old, steps, Instant.now(), cause.getMessage(), movedTo);
        steps = 0;
        pool.lost(lost);
        return new EpisodeLostException(lost, cause);
    }

    /** Closes the connection (if any) and gives its slot back to the pool's count. */
    private void leave() {
        if (client == null) {
            return;
        }
        try {
            client.close();
        } catch (RuntimeException ignored) {
            // a lost or refused session has nothing left to close cleanly
        } finally {
            pool.released(replica);
            client = null;
            replica = null;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new EnvClientException("Session is closed");
        }
    }

    private void requirePlaced() {
        if (client == null) {
            throw new EnvClientException("Session " + number + " has no replica (every one was lost or full): reset places it again");
        }
    }
}
