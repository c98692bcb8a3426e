package dev.openenv.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.client.EnvClient;
import dev.openenv.client.EnvPool;
import dev.openenv.client.EpisodeLostException;
import dev.openenv.client.PooledSession;
import dev.openenv.client.SessionLostException;
import dev.openenv.core.BasicState;
import dev.openenv.envs.echo.EchoAction;
import dev.openenv.envs.echo.EchoObservation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Against a real cluster, when {@code KUBECONFIG} is set: in CI the single-node cluster {@code .ci/run} starts with
 * {@code scripts/kube-cluster.sh} (see {@link TestCluster}). Pods there have no network of their own beyond their
 * loopback, so they are probed by a command and reached by port-forward, as a client outside any cluster would.
 * Prints the measured figures to {@code target/surefire-reports/*-output.txt}.
 */
@Timeout(600)
@EnabledIfEnvironmentVariable(named = "KUBECONFIG", matches = ".+")
class KubernetesClusterTest {
    static final String NS = System.getProperty("openenv.kubernetes.namespace", "default");
    static KubernetesClient k8s;
    static String image;

    @BeforeAll
    static void cluster() throws Exception {
        k8s = new KubernetesClientBuilder().build();
        image = TestCluster.echoImage();
    }

    @AfterAll
    static void nothingLeft() {
        if (k8s == null) {
            return;
        }
        try {
            assertThat(k8s.pods().inNamespace(NS).withLabel(KubernetesProvider.MANAGED_BY_LABEL, KubernetesProvider.MANAGED_BY).list().getItems())
                    .as("pods left behind").isEmpty();
            assertThat(k8s.apps().deployments().inNamespace(NS).withLabel(KubernetesProvider.MANAGED_BY_LABEL, KubernetesProvider.MANAGED_BY).list().getItems())
                    .as("deployments left behind").isEmpty();
        } finally {
            KubernetesProvider.deleteAll(k8s, NS);
            k8s.close();
        }
    }

    private static KubernetesProvider.Builder provider(String image) {
        return KubernetesProvider.builder(image).namespace(NS).client(k8s).readinessCommand(TestCluster.readinessCommand(8000));
    }

    @Test
    void theEchoImagePlaysAnEpisodeThroughAPortForwardAndDeletingThePodLosesTheSession() {
        var p = provider(image).env("MAX_CONCURRENT_ENVS", "2").build();
        StartedEnv started = p.start();
        Echo.report("kubernetes (pod created -> first reset through port-forward)", started);
        try (var env = EnvClient.connect(started.baseUrl(), Echo.TYPE)) {
            Echo.playEpisode(env);
            Pod pod = podOf(started);
            k8s.pods().inNamespace(NS).resource(pod).withGracePeriod(0).delete();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    env.step(new EchoAction("after"));
                    Thread.sleep(100);
                }
            }).isInstanceOf(SessionLostException.class);
        } finally {
            started.close();
        }
        assertThat(k8s.pods().inNamespace(NS).withLabel(KubernetesProvider.MANAGED_BY_LABEL, KubernetesProvider.MANAGED_BY)
                .list().getItems()).noneMatch(pod -> started.description().contains(pod.getMetadata().getName()));
        assertThat(k8s.services().inNamespace(NS).withLabel(KubernetesProvider.MANAGED_BY_LABEL, KubernetesProvider.MANAGED_BY)
                .list().getItems()).noneMatch(s -> started.description().contains(s.getMetadata().getName()));
    }

    @Test
    void anImageThatCannotBePulledFailsFastWithThePodsReason() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> provider("localhost:1/openenv-missing:1").build().start())
                .isInstanceOf(ProviderStartException.class)
                .hasMessageMatching("(?s).*(ErrImagePull|ImagePullBackOff).*");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("kubernetes: image pull failure reported in %d ms%n", ms);
        assertThat(ms).as("reported long before the 3 min startup timeout").isLessThan(60_000);
    }

    @Test
    void aServerThatExitsAtStartFailsFastWithItsExitCodeAndLog() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> provider(image).env("PORT", "8000").env("MAX_CONCURRENT_ENVS", "many").build().start())
                .isInstanceOfSatisfying(ProviderStartException.class, e -> {
                    assertThat(e.getMessage()).contains("exited with code");
                    assertThat(e.logs()).contains("MAX_CONCURRENT_ENVS");
                });
        System.out.printf("kubernetes: crashing server reported in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void aFleetWhosePodsCrashLoopFailsFastWithThePodsReasonAndLeavesNothing() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> KubernetesFleet.builder(image).namespace(NS).client(k8s).replicas(2)
                .env("MAX_CONCURRENT_ENVS", "many").readinessCommand(TestCluster.readinessCommand(8000)).deploy())
                .isInstanceOfSatisfying(ProviderStartException.class, e -> {
                    assertThat(e.getMessage()).containsAnyOf("exited with code", "CrashLoopBackOff");
                    assertThat(e.logs()).contains("MAX_CONCURRENT_ENVS");
                });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("kubernetes fleet: crash-looping replicas reported in %d ms%n", ms);
        assertThat(ms).as("long before the 3 min timeout").isLessThan(60_000);
        assertThat(k8s.apps().deployments().inNamespace(NS).withLabel(KubernetesProvider.MANAGED_BY_LABEL, KubernetesProvider.MANAGED_BY)
                .list().getItems()).as("the failed fleet's deployment").isEmpty();
    }

    @Test
    void aFleetServesAPoolThroughScalingUpALostPodAndScalingDown() throws Exception {
        long t0 = System.nanoTime();
        try (var fleet = KubernetesFleet.builder(image).namespace(NS).client(k8s).replicas(3).sessionsPerReplica(16)
                .readinessCommand(TestCluster.readinessCommand(8000)).resources(null, "512Mi").deploy();
             var pool = EnvPool.builder(Echo.TYPE).replicas(fleet.replicas()).sessionsPerReplica(16).build()) {
            System.out.printf("kubernetes fleet: 3 replicas deployed and reachable in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            // the pool finds the replicas through the Service's endpoints: three ready pods listed there
            assertThat(k8s.discovery().v1().endpointSlices().inNamespace(NS).withLabel("kubernetes.io/service-name", fleet.name())
                    .list().getItems().stream().flatMap(slice -> slice.getEndpoints().stream())
                    .filter(ep -> Boolean.TRUE.equals(ep.getConditions().getReady())).count()).isEqualTo(3);
            assertThat(fleet.replicas().current()).hasSize(3);

            long o0 = System.nanoTime();
            var sessions = pool.open(12);
            sessions.forEach(PooledSession::reset);
            double openS = (System.nanoTime() - o0) / 1e9;
            System.out.printf("kubernetes fleet: 12 sessions opened and reset over 3 replicas in %.0f ms (%.0f sessions/s)%n",
                    openS * 1000, 12 / openS);
            assertThat(perReplica(sessions).values()).containsExactlyInAnyOrder(4L, 4L, 4L);

            long c0 = System.nanoTime();
            List<PooledSession<EchoAction, EchoObservation, BasicState>> concurrent;
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<PooledSession<EchoAction, EchoObservation, BasicState>>> opening = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    opening.add(threads.submit(() -> {
                        var s = pool.open();
                        s.reset();
                        return s;
                    }));
                }
                concurrent = new ArrayList<>();
                for (var f : opening) {
                    concurrent.add(f.get());
                }
            }
            double concurrentS = (System.nanoTime() - c0) / 1e9;
            System.out.printf("kubernetes fleet: 12 more sessions opened and reset at once over 3 replicas in %.0f ms (%.0f sessions/s)%n",
                    concurrentS * 1000, 12 / concurrentS);
            sessions.addAll(concurrent);
            assertThat(perReplica(sessions).values()).containsExactlyInAnyOrder(8L, 8L, 8L);

            // aggregate throughput over the three replicas, then over one, through the port-forwards
            double three = stepsPerSecond(sessions, Duration.ofSeconds(3));
            double one = stepsPerSecond(sessions.stream().filter(s -> s.replica().equals(sessions.getFirst().replica())).toList(),
                    Duration.ofSeconds(3));
            System.out.printf("kubernetes fleet: %.0f steps/s over 3 replicas (24 sessions), %.0f steps/s over 1 replica (8 sessions)%n", three, one);

            fleet.scale(4);
            fleet.awaitReady(4, Duration.ofMinutes(2));
            var more = pool.open(4);
            more.forEach(PooledSession::reset);
            assertThat(perReplica(more)).as("new sessions go to the new, empty replica").hasSize(1);
            sessions.addAll(more);

            // a pod killed mid-episode: its sessions are re-opened on the others and reported lost
            URI victim = sessions.getFirst().replica();
            long onVictim = sessions.stream().filter(s -> victim.equals(s.replica())).count();
            Pod pod = k8s.pods().inNamespace(NS).withLabel(KubernetesFleet.FLEET_LABEL, fleet.name()).list().getItems().stream()
                    .filter(p -> victim.equals(replicaOf(fleet, p))).findFirst().orElseThrow();
            long k0 = System.nanoTime();
            k8s.pods().inNamespace(NS).resource(pod).withGracePeriod(0).delete();
            // the kill takes effect a moment after the API call returns: a session may still step once before it
            int lost = 0;
            while (sessions.stream().anyMatch(s -> victim.equals(s.replica())) && System.nanoTime() - k0 < TimeUnit.SECONDS.toNanos(60)) {
                lost += stepAllRecovering(sessions);
            }
            System.out.printf("kubernetes fleet: pod killed with %d sessions on it: %d episodes lost, all sessions stepping again after %d ms%n",
                    onVictim, lost, (System.nanoTime() - k0) / 1_000_000);
            assertThat(lost).isEqualTo((int) onVictim);
            assertThat(pool.lostEpisodes()).hasSize(lost).allMatch(l -> l.replica().equals(victim) && l.movedTo() != null);
            assertThat(sessions).noneMatch(s -> victim.equals(s.replica()));

            // scaled down to two while the sessions run: those on removed replicas move, the rest carry on
            fleet.scale(2);
            long d0 = System.nanoTime();
            int lostAtScaleDown = 0;
            while (k8s.pods().inNamespace(NS).withLabel(KubernetesFleet.FLEET_LABEL, fleet.name()).list().getItems().size() > 2
                    && System.nanoTime() - d0 < TimeUnit.SECONDS.toNanos(60)) {
                lostAtScaleDown += stepAllRecovering(sessions);
            }
            lostAtScaleDown += stepAllRecovering(sessions);
            System.out.printf("kubernetes fleet: scaled 4 -> 2 with %d sessions running: %d episodes lost and re-opened%n",
                    sessions.size(), lostAtScaleDown);
            assertThat(perReplica(sessions)).hasSizeLessThanOrEqualTo(2);
            assertThat(sessions.stream().mapToLong(s -> s.step(new EchoAction("x")).observation().messageLength()).sum())
                    .isEqualTo(sessions.size());
        }
        assertThat(k8s.apps().deployments().inNamespace(NS).withLabel(KubernetesProvider.MANAGED_BY_LABEL, KubernetesProvider.MANAGED_BY)
                .list().getItems()).as("the fleet's deployment after close").isEmpty();
    }

    /** Steps every session once; a session whose episode was lost resets on its new replica. Returns the losses. */
    private static int stepAllRecovering(List<PooledSession<EchoAction, EchoObservation, BasicState>> sessions) {
        int lost = 0;
        for (var s : sessions) {
            try {
                s.step(new EchoAction("hi"));
            } catch (EpisodeLostException e) {
                lost++;
                s.reset();
                s.step(new EchoAction("hi"));
            }
        }
        return lost;
    }

    private static double stepsPerSecond(List<PooledSession<EchoAction, EchoObservation, BasicState>> sessions, Duration d)
            throws Exception {
        var steps = new LongAdder();
        long end = System.nanoTime() + d.toNanos();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (var s : sessions) {
                running.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        s.step(new EchoAction("hi"));
                        steps.increment();
                    }
                    return null;
                }));
            }
            for (var f : running) {
                f.get();
            }
        }
        return steps.sum() / (d.toNanos() / 1e9);
    }

    private static Map<URI, Long> perReplica(List<PooledSession<EchoAction, EchoObservation, BasicState>> sessions) {
        return sessions.stream().collect(Collectors.groupingBy(PooledSession::replica, Collectors.counting()));
    }

    private static URI replicaOf(KubernetesFleet fleet, Pod pod) {
        return fleet.replicaOf(pod.getMetadata().getName()).orElse(null);
    }

    private static Pod podOf(StartedEnv started) {
        return k8s.pods().inNamespace(NS).withLabel(KubernetesProvider.MANAGED_BY_LABEL, KubernetesProvider.MANAGED_BY)
                .list().getItems().stream().filter(p -> started.description().contains(p.getMetadata().getName()))
                .findFirst().orElseThrow();
    }
}
