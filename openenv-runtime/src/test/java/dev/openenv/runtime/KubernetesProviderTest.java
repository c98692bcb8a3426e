package dev.openenv.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.client.EnvClient;
import dev.openenv.envs.echo.EchoEnvironment;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Against fabric8's mock API server (CRUD mode). Nothing runs pods there, so a stand-in kubelet thread
 * sets the pod's status, and a real echo server in this JVM stands in for the pod's container behind
 * a custom {@link KubernetesProvider.Access}: the episode, the ready check and every API call are real.
 */
@Timeout(60)
@EnableKubernetesMockClient(crud = true)
class KubernetesProviderTest {
    static final String NS = "agents";
    KubernetesClient client; // injected by the mock server extension
    StartedEnv podStandIn;
    Thread kubelet;

    @BeforeEach
    void echoServerStandingInForThePod() {
        podStandIn = InProcessProvider.of(EchoEnvironment::new).withType(Echo.TYPE).withConfig(c -> c.withMaxConcurrentEnvs(4)).start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (kubelet != null) {
            kubelet.interrupt();
            kubelet.join();
        }
        podStandIn.close();
    }

    KubernetesProvider.Builder provider() {
        return KubernetesProvider.builder("registry.example.com/team/Echo_Env:1.2").namespace(NS).client(client)
                .access((k8s, pod, service, port) -> new KubernetesProvider.Endpoint(podStandIn.baseUrl(), () -> { }));
    }

    /** Plays the kubelet: once our pod exists, gives it the status {@code change} makes. */
    void kubelet(UnaryOperator<PodBuilder> change) {
        kubelet = Thread.ofVirtual().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    for (Pod pod : pods()) {
                        if (pod.getStatus() == null || pod.getStatus().getPhase() == null) {
                            client.pods().inNamespace(NS).resource(change.apply(new PodBuilder(pod)).build()).updateStatus();
                        }
                    }
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                // done
            }
        });
    }

    static PodBuilder ready(PodBuilder pod) {
        return pod.withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus();
    }

    List<Pod> pods() {
        return client.pods().inNamespace(NS).withLabel(KubernetesProvider.MANAGED_BY_LABEL, KubernetesProvider.MANAGED_BY).list().getItems();
    }

    List<io.fabric8.kubernetes.api.model.Service> services() {
        return client.services().inNamespace(NS).withLabel(KubernetesProvider.MANAGED_BY_LABEL, KubernetesProvider.MANAGED_BY).list().getItems();
    }

    @Test
    void aPodAndItsServiceServeAnEpisodeAndAreDeletedWithTheClient() {
        kubelet(KubernetesProviderTest::ready);
        var seenPod = new AtomicReference<Pod>();
        var provider = provider().env("MAX_CONCURRENT_ENVS", "4").resources("500m", "256Mi")
                .access((k8s, pod, service, port) -> {
                    seenPod.set(pod);
                    assertThat(service.getSpec().getSelector()).isEqualTo(Map.of(KubernetesProvider.INSTANCE_LABEL,
                            pod.getMetadata().getLabels().get(KubernetesProvider.INSTANCE_LABEL)));
                    assertThat(port).isEqualTo(8000);
                    return new KubernetesProvider.Endpoint(podStandIn.baseUrl(), () -> { });
                }).build();
        try (var env = EnvClient.start(provider, Echo.TYPE)) {
            Echo.playEpisode(env);
            Pod pod = pods().getFirst();
            assertThat(pod.getMetadata().getName()).matches("openenv-echo-env-[0-9a-f]{8}");
            assertThat(pod.getMetadata().getLabels()).containsEntry(KubernetesProvider.MANAGED_BY_LABEL, KubernetesProvider.MANAGED_BY);
            assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
            assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
            var container = pod.getSpec().getContainers().getFirst();
            assertThat(container.getImage()).isEqualTo("registry.example.com/team/Echo_Env:1.2");
            assertThat(container.getEnv()).extracting(e -> e.getName() + "=" + e.getValue())
                    .containsExactly("PORT=8000", "MAX_CONCURRENT_ENVS=4");
            assertThat(container.getPorts().getFirst().getContainerPort()).isEqualTo(8000);
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
            assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
            var service = services().getFirst();
            assertThat(service.getMetadata().getName()).isEqualTo(pod.getMetadata().getName());
            assertThat(service.getMetadata().getOwnerReferences().getFirst().getKind()).isEqualTo("Pod");
            assertThat(service.getMetadata().getOwnerReferences().getFirst().getUid()).isEqualTo(pod.getMetadata().getUid());
            assertThat(seenPod.get().getMetadata().getName()).isEqualTo(pod.getMetadata().getName());
        }
        assertThat(pods()).isEmpty();
        assertThat(services()).isEmpty();
    }

    @Test
    void aPodThatCannotPullItsImageFailsAtOnceAndIsDeleted() {
        kubelet(pod -> pod.withNewStatus().withPhase("Pending").addNewContainerStatus().withName("env").withNewState()
                .withNewWaiting().withReason("ErrImagePull").withMessage("manifest unknown").endWaiting()
                .endState().endContainerStatus().endStatus());
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> provider().startupTimeout(Duration.ofSeconds(30)).build().start())
                .isInstanceOf(ProviderStartException.class)
                .hasMessageContaining("cannot run its container: ErrImagePull (manifest unknown) before it was ready");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(pods()).isEmpty();
        assertThat(services()).isEmpty();
    }

    @Test
    void aPodThatNeverBecomesReadyTimesOutAndIsDeleted() {
        kubelet(pod -> pod.withNewStatus().withPhase("Pending").endStatus());
        assertThatThrownBy(() -> provider().startupTimeout(Duration.ofSeconds(2)).build().start())
                .isInstanceOf(ProviderStartException.class)
                .hasMessageContaining("not ready within 2000 ms (phase Pending)");
        assertThat(pods()).isEmpty();
        assertThat(services()).isEmpty();
    }

    @Test
    void aPodThatEndsMidEpisodeIsReportedAsNotRunning() {
        kubelet(KubernetesProviderTest::ready);
        try (var started = provider().build().start()) {
            assertThat(started.isRunning()).isTrue();
            Pod pod = pods().getFirst();
            client.pods().inNamespace(NS).resource(new PodBuilder(pod).editStatus().withPhase("Failed").withReason("OOMKilled").endStatus().build())
                    .updateStatus();
            assertThat(started.isRunning()).isFalse();
        }
        assertThat(pods()).isEmpty();
    }

    @Test
    void clusterDnsAccessNamesTheService() throws Exception {
        var service = new ServiceBuilder().withNewMetadata().withName("openenv-echo-1").withNamespace(NS).endMetadata().build();
        assertThat(KubernetesProvider.Access.clusterDns().open(client, null, service, 8000).baseUrl())
                .isEqualTo("http://openenv-echo-1.agents.svc.cluster.local:8000");
        assertThat(KubernetesProvider.Access.clusterDns("k8s.internal").open(client, null, service, 9000).baseUrl())
                .isEqualTo("http://openenv-echo-1.agents.svc.k8s.internal:9000");
    }

    @Test
    void leftoversOfAKilledJvmAreFoundByLabelAndDeleted() {
        var labels = Map.of(KubernetesProvider.MANAGED_BY_LABEL, KubernetesProvider.MANAGED_BY, KubernetesProvider.INSTANCE_LABEL, "x");
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("openenv-old").withLabels(labels).endMetadata().build()).create();
        client.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName("openenv-old").withLabels(labels).endMetadata().build()).create();
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("someone-elses").endMetadata().build()).create();
        KubernetesProvider.deleteAll(client, NS);
        assertThat(pods()).isEmpty();
        assertThat(services()).isEmpty();
        assertThat(client.pods().inNamespace(NS).withName("someone-elses").get()).isNotNull();
    }

    @Test
    void podNamesAreValidDnsLabels() {
        assertThat(KubernetesProvider.nameOf("registry.example.com:5000/team/Echo_Env:1.2")).isEqualTo("echo-env");
        assertThat(KubernetesProvider.nameOf("localhost/openenv-echo@sha256:abc")).isEqualTo("openenv-echo");
        assertThat(KubernetesProvider.nameOf("___")).isEqualTo("env");
        assertThat(KubernetesProvider.nameOf("a".repeat(80))).hasSize(30);
    }
}
