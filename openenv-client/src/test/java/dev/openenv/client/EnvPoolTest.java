package dev.openenv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.core.BasicState;
import dev.openenv.envs.echo.EchoAction;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.envs.echo.EchoObservation;
import dev.openenv.server.EnvServer;
import dev.openenv.server.testing.LocalServers;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A pool of sessions over several real servers: spreading, capacity, a lost replica, scaling up. */
@Timeout(60)
class EnvPoolTest {
    @RegisterExtension
    final LocalServers servers = new LocalServers();

    private List<EnvServer> start(int n, int sessionsEach) {
        List<EnvServer> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            started.add(servers.start(EchoEnvironment::new, EnvClientTest.ECHO, LocalServers.sessions(sessionsEach)));
        }
        return started;
    }

    private static List<String> urls(List<EnvServer> list) {
        return list.stream().map(EnvServer::baseUrl).toList();
    }

    private static Map<URI, Long> byReplica(List<PooledSession<EchoAction, EchoObservation, BasicState>> sessions) {
        return sessions.stream().collect(Collectors.groupingBy(PooledSession::replica, Collectors.counting()));
    }

    @Test
    void sessionsSpreadEvenlyAndTheFirstSessionPastEveryReplicasLimitIsRefused() {
        List<EnvServer> fleet = start(3, 2);
        try (var pool = EnvPool.over(urls(fleet), EnvClientTest.ECHO)) {
            var sessions = pool.open(6);
            for (var s : sessions) {
                assertThat(s.reset().observation().echoedMessage()).isEqualTo("Echo environment ready!");
                assertThat(s.step(new EchoAction("hi")).observation().echoedMessage()).isEqualTo("hi");
            }
            assertThat(byReplica(sessions).values()).containsExactly(2L, 2L, 2L);
            fleet.forEach(server -> assertThat(server.activeSessions()).isEqualTo(2));

            var seventh = pool.open();
            assertThatThrownBy(seventh::reset).isInstanceOf(CapacityReachedException.class);
            assertThat(pool.replicas()).extracting(EnvPool.ReplicaView::capacity).containsOnly(2);
            assertThat(pool.lostEpisodes()).isEmpty();
            sessions.get(0).close();   // a slot frees up: the refused session finds it
            assertThat(seventh.reset().observation().echoedMessage()).isEqualTo("Echo environment ready!");
            assertThat(seventh.replica()).isEqualTo(URI.create(fleet.get(0).baseUrl()));
        }
        fleet.forEach(server -> assertThat(server.activeSessions()).as("slots after the pool closed").isZero());
    }

    @Test
    void aResetRefusedBecauseSomeoneElseTookTheSlotMovesToAnotherReplicaWithoutLosingAnything() {
        List<EnvServer> fleet = start(2, 1);
        try (var outsider = EnvClient.connect(fleet.get(0).baseUrl(), EnvClientTest.ECHO);
             var pool = EnvPool.over(urls(fleet), EnvClientTest.ECHO)) {
            outsider.reset();   // replica 0's only slot is taken by a client the pool does not know
            var session = pool.open();
            assertThat(session.replica()).isEqualTo(URI.create(fleet.get(0).baseUrl()));   // least loaded, as far as the pool knows
            session.reset();
            assertThat(session.replica()).isEqualTo(URI.create(fleet.get(1).baseUrl()));
            assertThat(session.step(new EchoAction("moved")).observation().echoedMessage()).isEqualTo("moved");
            assertThat(pool.lostEpisodes()).isEmpty();
        }
    }

    @Test
    void whenAReplicaDiesItsSessionsAreReopenedElsewhereAndTheLostEpisodesAreReported() {
        List<EnvServer> fleet = start(3, 4);
        List<LostEpisode> heard = new CopyOnWriteArrayList<>();
        try (var pool = EnvPool.builder(EnvClientTest.ECHO).urls(urls(fleet)).onLost(heard::add).build()) {
            var sessions = pool.open(6);
            for (var s : sessions) {
                s.reset();
                s.step(new EchoAction("one"));
                s.step(new EchoAction("two"));
            }
            URI dying = URI.create(fleet.get(1).baseUrl());
            fleet.get(1).close();   // a replica goes away mid-episode (a pod killed, a node lost)

            int lost = 0;
            for (var s : sessions) {
                try {
                    s.step(new EchoAction("three"));
                } catch (EpisodeLostException e) {
                    lost++;
                    assertThat(e.lost().replica()).isEqualTo(dying);
                    assertThat(e.lost().stepsTaken()).isEqualTo(2);
                    assertThat(e.lost().movedTo()).isNotNull().isNotEqualTo(dying).isEqualTo(s.replica());
                    s.reset();   // a new episode on the replica it moved to
                }
                assertThat(s.step(new EchoAction("four")).observation().echoedMessage()).isEqualTo("four");
            }
            assertThat(lost).isEqualTo(2);
            assertThat(pool.lostEpisodes()).hasSize(2).isEqualTo(heard);
            assertThat(byReplica(sessions)).doesNotContainKey(dying).containsValues(3L, 3L);
            assertThat(fleet.get(0).activeSessions() + fleet.get(2).activeSessions()).isEqualTo(6);
        }
    }

    @Test
    void replicasAddedWhileSessionsRunTakeTheNewSessionsAndAVanishedOneTakesNoMore() {
        List<EnvServer> fleet = start(3, 8);
        var listed = new AtomicReference<List<URI>>(List.of(URI.create(fleet.get(0).baseUrl())));
        try (var pool = EnvPool.builder(EnvClientTest.ECHO).replicas(listed::get).build()) {
            var first = pool.open(4);
            first.forEach(PooledSession::reset);
            listed.set(urls(fleet).stream().map(URI::create).toList());   // scaled up to three
            var more = pool.open(4);
            more.forEach(PooledSession::reset);
            assertThat(byReplica(more)).doesNotContainKey(URI.create(fleet.get(0).baseUrl())).containsValues(2L, 2L);
            listed.set(List.of(URI.create(fleet.get(0).baseUrl())));   // scaled back down: only the first is listed
            var last = pool.open();
            assertThat(last.replica()).isEqualTo(URI.create(fleet.get(0).baseUrl()));
            assertThat(more.getFirst().step(new EchoAction("still here")).observation().echoedMessage())
                    .as("sessions on unlisted replicas go on until their server goes").isEqualTo("still here");
        }
    }

    @Test
    void withNoReplicaReachableOpeningFailsWithAConnectErrorNamingThem() {
        List<EnvServer> fleet = start(1, 1);
        String url = fleet.getFirst().baseUrl();
        fleet.getFirst().close();
        try (var pool = EnvPool.builder(EnvClientTest.ECHO).urls(List.of(url)).coolDown(Duration.ofMillis(100)).build()) {
            assertThatThrownBy(pool::open).isInstanceOf(ConnectException.class)
                    .hasMessageContaining("no replica can take a session").hasMessageContaining(url);
            assertThatThrownBy(() -> EnvPool.builder(EnvClientTest.ECHO).build()).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> ReplicaSource.of(List.of())).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
