package dev.openenv.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.client.EnvClient;
import dev.openenv.client.SessionLostException;
import dev.openenv.envs.echo.EchoAction;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Against a real cluster, only when {@code KUBECONFIG} is set (no cluster can run on the CI machines):
 * {@code KUBECONFIG=~/.kube/config ./mvnw -pl openenv-runtime verify -Dtest=KubernetesClusterTest
 * -Dopenenv.kubernetes.image=REGISTRY/openenv-echo:TAG [-Dopenenv.kubernetes.namespace=NS]}, with an
 * image of the echo environment the cluster can pull (see the module README).
 */
@Timeout(600)
@EnabledIfEnvironmentVariable(named = "KUBECONFIG", matches = ".+")
class KubernetesClusterTest {
    static String image() {
        String image = System.getProperty("openenv.kubernetes.image");
        if (image == null || image.isBlank()) {
            throw new IllegalStateException("KUBECONFIG is set, so the cluster tests run: pass -Dopenenv.kubernetes.image=<an echo image the cluster can pull>");
        }
        return image;
    }

    @Test
    void theEchoImagePlaysAnEpisodeThroughAPortForwardAndDeletingThePodLosesTheSession() {
        String ns = System.getProperty("openenv.kubernetes.namespace", "default");
        try (var k8s = new KubernetesClientBuilder().build()) {
            var provider = KubernetesProvider.builder(image()).namespace(ns).client(k8s).env("MAX_CONCURRENT_ENVS", "2").build();
            StartedEnv started = provider.start();
            Echo.report("kubernetes (port-forward)", started);
            try (var env = EnvClient.connect(started.baseUrl(), Echo.TYPE)) {
                Echo.playEpisode(env);
                k8s.pods().inNamespace(ns).withLabel(KubernetesProvider.MANAGED_BY_LABEL, KubernetesProvider.MANAGED_BY)
                        .withLabel(KubernetesProvider.INSTANCE_LABEL).list().getItems().stream()
                        .filter(p -> started.description().contains(p.getMetadata().getName()))
                        .forEach(p -> k8s.pods().inNamespace(ns).resource(p).withGracePeriod(0).delete());
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 50; i++) {
                        env.step(new EchoAction("after"));
                        Thread.sleep(200);
                    }
                }).isInstanceOf(SessionLostException.class);
            } finally {
                started.close();
            }
            assertThat(k8s.pods().inNamespace(ns).withLabel(KubernetesProvider.MANAGED_BY_LABEL, KubernetesProvider.MANAGED_BY)
                    .list().getItems()).noneMatch(p -> started.description().contains(p.getMetadata().getName()));
        }
    }
}
