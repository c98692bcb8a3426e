package dev.openenv.client;

import dev.openenv.core.Action;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.State;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Sessions of one environment spread over several servers (replicas): a fleet of pods, or a few local servers.
 *
 * <pre>{@code
 * try (var pool = EnvPool.over(List.of("http://10.0.0.5:8000", "http://10.0.0.6:8000"), echo)) {
 *     List<PooledSession<EchoAction, EchoObservation, BasicState>> sessions = pool.open(64);
 *     for (var s : sessions) {
 *         s.reset();
 *         try {
 *             s.step(new EchoAction("hi"));
 *         } catch (EpisodeLostException e) {   // its replica went away; the session moved to another one
 *             s.reset();
 *         }
 *     }
 * }
 * }</pre>
 *
 * Placement: a new session goes to the replica holding the fewest of this pool's sessions, among those the
 * {@link ReplicaSource} lists now that are neither full nor down. A replica is full when it refused a session
 * ({@code CAPACITY_REACHED}): the pool then holds at most as many sessions there as the server's
 * {@code max_sessions} said (or as it held when refused), and tries it again after the cool-down if others share
 * it. A replica is down for the cool-down after a connection to it failed or a session on it was lost.
 * A reset refused for capacity moves the session to another replica and tries again, so no episode is lost;
 * a session lost mid-episode is re-opened elsewhere and the loss is reported: {@link EpisodeLostException} from
 * the call, {@link #lostEpisodes()}, and the listener given to {@link Builder#onLost}.
 *
 * <p>Each {@link PooledSession} is used by one thread at a time; the pool itself may be used from any thread.
 * Closing the pool closes every session it opened. States: open ──close()──▶ closed.
 */
public final class EnvPool<A extends Action, O, S extends State> implements AutoCloseable {
    private final EnvironmentType<A, O, S> type;
    private final ReplicaSource source;
    private final ClientOptions options;
    private final int sessionsPerReplica;
    private final long coolDownNanos;
    private final Consumer<LostEpisode> onLost;
    private final Map<URI, Replica> replicas = new LinkedHashMap<>(); // guarded by this
    private final List<LostEpisode> lost = new ArrayList<>(); // guarded by this
    private final List<PooledSession<A, O, S>> sessions = new ArrayList<>(); // guarded by this
    private boolean closed; // guarded by this

    private EnvPool(Builder<A, O, S> b) {
        this.type = b.type;
        this.source = b.source;
        this.options = b.options;
        this.sessionsPerReplica = b.sessionsPerReplica;
        this.coolDownNanos = b.coolDown.toNanos();
        this.onLost = b.onLost;
    }

    /** A pool over a fixed list of servers, with default options. */
    public static <A extends Action, O, S extends State> EnvPool<A, O, S> over(List<String> baseUrls, EnvironmentType<A, O, S> type) {
        return builder(type).replicas(ReplicaSource.of(baseUrls)).build();
    }

    public static <A extends Action, O, S extends State> Builder<A, O, S> builder(EnvironmentType<A, O, S> type) {
        return new Builder<>(type);
    }

    /**
     * Opens a session on the least-loaded replica that can take one.
     *
     * @throws CapacityReachedException when every replica listed is full
     * @throws ConnectException         when no replica is listed, or none could be reached
     */
    public PooledSession<A, O, S> open() {
        int number;
        synchronized (this) {
            requireOpen();
            number = sessions.size();
        }
        var session = new PooledSession<>(this, number);
        session.place(null);
        synchronized (this) {
            if (closed) {
                session.close();
                throw new EnvClientException("Pool is closed");
            }
            sessions.add(session);
        }
        return session;
    }

    /** Opens {@code count} sessions, one after the other (so they spread); on a failure, closes those opened. */
    public List<PooledSession<A, O, S>> open(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        }
        List<PooledSession<A, O, S>> opened = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                opened.add(open());
            }
        } catch (RuntimeException e) {
            opened.forEach(PooledSession::close);
            throw e;
        }
        return opened;
    }

    /** What the pool knows of each replica it has seen, in the order first seen. */
    public List<ReplicaView> replicas() {
        Set<URI> listed = new HashSet<>(listed());
        synchronized (this) {
            return views(listed);
        }
    }

    private List<ReplicaView> views(Set<URI> listed) {
        long now = System.nanoTime();
        return replicas.values().stream().map(r -> new ReplicaView(r.uri, r.sessions,
                r.room(now) == Integer.MAX_VALUE ? -1 : r.room(now), listed.contains(r.uri) && r.downUntil - now <= 0)).toList();
    }

    /** Every episode lost so far, oldest first. */
    public synchronized List<LostEpisode> lostEpisodes() {
        return List.copyOf(lost);
    }

    /** Closes every session this pool opened. Idempotent. */
    @Override
    public void close() {
        List<PooledSession<A, O, S>> open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = List.copyOf(sessions);
        }
        RuntimeException first = null;
        for (var s : open) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * One replica as the pool sees it.
     *
     * @param uri       its base URL
     * @param sessions  this pool's sessions on it
     * @param capacity  how many of this pool's sessions it takes now (its limit, or what it held when it last
     *                  refused, for the cool-down), or -1 while unknown
     * @param available listed by the source and not down
     */
    public record ReplicaView(URI uri, int sessions, int capacity, boolean available) {
    }

    // ---- used by PooledSession ----

    EnvironmentType<A, O, S> type() {
        return type;
    }

    ClientOptions options() {
        return options;
    }

    /**
     * Picks the replica for a session and counts it there, skipping {@code tried}; null when none is left.
     * The caller connects outside the lock and calls {@link #released} if that fails.
     */
    URI reserve(Set<URI> tried) {
        List<URI> listed = listed(); // outside the lock: a discovering source may ask its API server
        synchronized (this) {
            return reserve(tried, listed);
        }
    }

    private URI reserve(Set<URI> tried, List<URI> listed) {
        requireOpen();
        long now = System.nanoTime();
        Replica best = null;
        for (URI uri : listed) {
            Replica r = replicas.computeIfAbsent(uri, u -> new Replica(u, sessionsPerReplica, now));
            if (tried.contains(uri) || r.downUntil - now > 0) {
                continue;
            }
            if (r.sessions >= r.room(now)) {
                continue;
            }
            if (best == null || r.sessions < best.sessions) {
                best = r;
            }
        }
        if (best == null) {
            return null;
        }
        best.sessions++;
        return best.uri;
    }

    synchronized void released(URI uri) {
        Replica r = replicas.get(uri);
        if (r != null && r.sessions > 0) {
            r.sessions--;
        }
    }

    /** The replica refused a session: hold no more there than it has now (or than it said it takes). */
    synchronized void full(URI uri, CapacityReachedException refusal) {
        Replica r = replicas.get(uri);
        if (r != null) {
            int said = refusal.maxSessions();
            if (said > 0) {
                r.limit = Math.min(r.limit, said); // the server's own limit: never worth asking past it
            }
            r.refusedAt = Math.max(0, r.sessions - 1); // the refused session is still counted
            r.fullUntil = System.nanoTime() + coolDownNanos;
        }
    }

    synchronized void down(URI uri) {
        Replica r = replicas.get(uri);
        if (r != null) {
            r.downUntil = System.nanoTime() + coolDownNanos;
        }
    }

    void lost(LostEpisode episode) {
        synchronized (this) {
            lost.add(episode);
        }
        if (onLost != null) {
            onLost.accept(episode);
        }
    }

    String describe() {
        return "replicas " + replicas().stream().map(r -> r.uri() + " (" + r.sessions() + " sessions"
                + (r.capacity() >= 0 ? ", takes " + r.capacity() : "") + (r.available() ? "" : ", unavailable") + ")").toList();
    }

    private List<URI> listed() {
        List<URI> now = source.current();
        return now == null ? List.of() : now;
    }

    private void requireOpen() {
        if (closed) {
            throw new EnvClientException("Pool is closed");
        }
    }

    private static final class Replica {
        final URI uri;
        int sessions;
        int limit;          // the configured or server-declared most sessions
        int refusedAt;      // what it held when it last refused: the room until fullUntil
        long downUntil;
        long fullUntil;

        Replica(URI uri, int limit, long now) {
            this.uri = uri;
            this.limit = limit;
            this.downUntil = now;
            this.fullUntil = now;
        }

        /** How many of the pool's sessions it takes now: its limit, or less for a while after a refusal. */
        int room(long now) {
            return fullUntil - now > 0 ? Math.min(limit, refusedAt) : limit;
        }
    }

    /** Builds an {@link EnvPool}. */
    public static final class Builder<A extends Action, O, S extends State> {
        private final EnvironmentType<A, O, S> type;
        private ReplicaSource source;
        private ClientOptions options = ClientOptions.defaults();
        private int sessionsPerReplica = Integer.MAX_VALUE;
        private Duration coolDown = Duration.ofSeconds(5);
        private Consumer<LostEpisode> onLost;

        private Builder(EnvironmentType<A, O, S> type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        /** Where the replicas are (required). */
        public Builder<A, O, S> replicas(ReplicaSource source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** A fixed list of servers. */
        public Builder<A, O, S> urls(List<String> baseUrls) {
            return replicas(ReplicaSource.of(baseUrls));
        }

        /** Options of every session's client (transport, timeouts, headers, TLS). */
        public Builder<A, O, S> options(ClientOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** The most sessions to hold on one replica, when known (e.g. its {@code MAX_CONCURRENT_ENVS}); default: learned from refusals. */
        public Builder<A, O, S> sessionsPerReplica(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("sessionsPerReplica must be >= 1, was " + max);
            }
            this.sessionsPerReplica = max;
            return this;
        }

        /** How long a replica that failed or was full is passed over (default 5 s). */
        public Builder<A, O, S> coolDown(Duration coolDown) {
            if (coolDown.isNegative()) {
                throw new IllegalArgumentException("coolDown must not be negative");
            }
            this.coolDown = coolDown;
            return this;
        }

        /** Called (on the thread that noticed) for every episode lost with its replica. */
        public Builder<A, O, S> onLost(Consumer<LostEpisode> listener) {
            this.onLost = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public EnvPool<A, O, S> build() {
            if (source == null) {
                throw new IllegalStateException("a pool needs its replicas: urls(...) or replicas(ReplicaSource)");
            }
            return new EnvPool<>(this);
        }
    }
}
