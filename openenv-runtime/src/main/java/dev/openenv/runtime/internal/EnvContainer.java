package dev.openenv.runtime.internal;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one container spec of an environment server on Kubernetes, for a lone Pod and for a fleet's Deployment:
 * {@code PORT} (and {@code HOST=127.0.0.1} on the node's network), the caller's variables, resources as request
 * = limit, and readiness: {@code GET /health} from the kubelet (asking {@code 127.0.0.1} on the node's network),
 * or a command in the container for pods the kubelet cannot reach.
 *
 * @param readinessCommand null for {@code GET /health}
 */
public record EnvContainer(String image, int port, Map<String, String> env, String cpu, String memory,
        boolean hostNetwork, List<String> readinessCommand) {

    public Container build() {
        var vars = new ArrayList<EnvVar>();
        vars.add(new EnvVar("PORT", Integer.toString(port), null));
        if (hostNetwork && !env.containsKey("HOST")) {
            vars.add(new EnvVar("HOST", "127.0.0.1", null)); // on the node's network: listen on loopback only
        }
        env.forEach((k, v) -> {
            if (!k.equals("PORT")) {
                vars.add(new EnvVar(k, v, null));
            }
        });
        var resources = new LinkedHashMap<String, Quantity>();
        if (cpu != null) {
            resources.put("cpu", new Quantity(cpu));
        }
        if (memory != null) {
            resources.put("memory", new Quantity(memory));
        }
        return new ContainerBuilder()
                .withName("env").withImage(image).withEnv(vars)
                .addNewPort().withName("http").withContainerPort(port).endPort()
                .withReadinessProbe(readiness())
                .withNewResources().withRequests(resources).withLimits(resources).endResources()
                .build();
    }

    /**
     * A pod spec with this container alone, on the node's network when {@code hostNetwork}, and without the service
     * account token (an environment has no business with the API server).
     */
    public PodSpecBuilder podSpec() {
        return new PodSpecBuilder().withHostNetwork(hostNetwork).withAutomountServiceAccountToken(false).withContainers(build());
    }

    private Probe readiness() {
        var probe = new ProbeBuilder().withPeriodSeconds(1).withFailureThreshold(3);
        if (readinessCommand != null) {
            return probe.withNewExec().withCommand(readinessCommand).endExec().build();
        }
        return probe.withNewHttpGet().withPath("/health").withPort(new IntOrString(port))
                .withHost(hostNetwork ? "127.0.0.1" : null).endHttpGet().build();
    }
}
