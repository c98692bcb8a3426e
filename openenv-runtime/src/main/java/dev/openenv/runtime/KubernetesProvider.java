package dev.openenv.runtime;

import dev.openenv.client.EnvProvider;
import dev.openenv.runtime.internal.EnvContainer;
import dev.openenv.runtime.internal.Lifecycle;
import dev.openenv.runtime.internal.PodLogs;
import dev.openenv.runtime.internal.PodOptions;
import dev.openenv.runtime.internal.PodStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs an environment image on Kubernetes: one Pod (restart policy {@code Never}: a crashed server is
 * reported, not silently replaced by a fresh one that lost every session) and one ClusterIP Service
 * per environment, labelled for cleanup and owned by the Pod. Ready means: the Pod is Ready (its
 * readiness probe is {@code GET /health}), then the wait strategy passes over the chosen
 * {@link Access} (a reset round trip by default). Stopping deletes the Service and the Pod. Needs
 * {@code io.fabric8:kubernetes-client} with {@code kubernetes-httpclient-jdk}.
 *
 * <pre>{@code
 * var provider = KubernetesProvider.builder("registry.example.com/echo-env:1").namespace("agents").build();
 * try (var env = EnvClient.start(provider, echoType)) { … }     // port-forwarded to 127.0.0.1
 * }</pre>
 *
 * The cluster is the one {@code KUBECONFIG} (or {@code ~/.kube/config}, or the in-cluster service
 * account) names, unless a client is given. Objects carry {@value #MANAGED_BY_LABEL}={@value #MANAGED_BY}
 * and {@value #INSTANCE_LABEL}; {@link #deleteAll(KubernetesClient, String)} removes leftovers of a
 * JVM killed outright. Pod logs are read for {@link StartedEnv#logs()} and error messages; they are
 * not streamed, so a log consumer is refused.
 *
 * @param image          the environment's image
 * @param namespace      where to create the objects; null for the client's namespace
 * @param containerPort  the server's port in the container (default 8000, set as {@code PORT})
 * @param cpu            CPU request and limit, e.g. {@code "500m"}; null for none
 * @param memory         memory request and limit, e.g. {@code "512Mi"}; null for none
 * @param hostNetwork    run on the node's network (for clusters without a pod network): the server listens on
 *                       {@code 127.0.0.1:containerPort} of the node, so one such Pod per port and node
 * @param readinessCommand a command in the container for readiness instead of {@code GET /health} from the
 *                       kubelet (for pods the kubelet cannot reach); null for the HTTP probe
 * @param access         how the client reaches the server (default {@link Access#portForward()})
 * @param client         supplies the API client; null for one from the environment (closed on stop)
 * @param startup        timeout (for the Pod to be Ready, then again for the wait strategy, default 3 min),
 *                       wait strategy, stop timeout (the Pod's grace period, default 5 s) and the
 *                       container's environment variables
 */
public record KubernetesProvider(String image, String namespace, int containerPort, String cpu, String memory,
        boolean hostNetwork, List<String> readinessCommand, Access access, Supplier<KubernetesClient> client,
        StartupOptions startup) implements EnvProvider {
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "openenv-runtime";
    public static final String INSTANCE_LABEL = "openenv.dev/instance";
    public KubernetesProvider {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(startup, "startup");
        if (startup.logConsumer() != null) {
            throw new IllegalArgumentException("pod logs are not streamed to a log consumer; read StartedEnv.logs()");
        }
    }

    public static Builder builder(String image) {
        return new Builder(image);
    }

    /** How the client reaches the server of a ready Pod. */
    @FunctionalInterface
    public interface Access {
        /** Opens the way to {@code port} of {@code service}/{@code pod}; the endpoint is closed on stop. */
        Endpoint open(KubernetesClient client, Pod pod, Service service, int port);

        /**
         * A port-forward through the API server to the Pod, on {@code 127.0.0.1} and an ephemeral
         * port: works from anywhere the API server is reachable (the default).
         */
        static Access portForward() {
            return (client, pod, service, port) -> {
                var forward = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                        .portForward(port, InetAddress.getLoopbackAddress(), 0);
                return new Endpoint("http://127.0.0.1:" + forward.getLocalPort(), forward::close);
            };
        }

        /**
         * The Pod's own address, {@code http://POD_IP:PORT}: for clients inside the cluster's pod network, one
         * address per replica (what a {@link KubernetesFleet} needs; a Service name would balance over them).
         */
        static Access podAddress() {
            return (client, pod, service, port) -> {
                String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
                if (ip == null || ip.isBlank()) {
                    throw new ProviderStartException("pod " + pod.getMetadata().getName() + " has no address (yet)");
                }
                return new Endpoint("http://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port, () -> { });
            };
        }

        /** The Service's cluster DNS name, {@code http://NAME.NAMESPACE.svc.cluster.local:PORT}: for clients inside the cluster. */
        static Access clusterDns() {
            return clusterDns("cluster.local");
        }

        /** {@link #clusterDns()} for a cluster whose DNS domain is {@code domain}. */
        static Access clusterDns(String domain) {
            return (client, pod, service, port) -> new Endpoint("http://" + service.getMetadata().getName() + "."
                    + service.getMetadata().getNamespace() + ".svc." + domain + ":" + port, () -> { });
        }
    }

    /** Where the server is reached, and what to close when done. */
    public record Endpoint(String baseUrl, AutoCloseable closer) {
        public Endpoint {
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(closer, "closer");
        }
    }

    /**
     * Deletes every Deployment (fleets), Pod and Service of this provider and of {@link KubernetesFleet} in
     * {@code namespace} (e.g. after a JVM was killed outright).
     */
    public static void deleteAll(KubernetesClient client, String namespace) {
        client.apps().deployments().inNamespace(namespace).withLabel(MANAGED_BY_LABEL, MANAGED_BY).delete();
        client.services().inNamespace(namespace).withLabel(MANAGED_BY_LABEL, MANAGED_BY).delete();
        client.pods().inNamespace(namespace).withLabel(MANAGED_BY_LABEL, MANAGED_BY).delete();
    }

    @Override
    public StartedEnv start() {
        boolean ours = client == null;
        KubernetesClient k8s = PodOptions.connect(client);
        return Lifecycle.start(startup, () -> launch(k8s, ours));
    }

    private Lifecycle.Launched launch(KubernetesClient k8s, boolean ours) {
        String ns = PodOptions.namespaceIn(namespace, k8s);
        String instance = UUID.randomUUID().toString().substring(0, 8);
        String name = "openenv-" + nameOf(image) + "-" + instance;
        var labels = Map.of(MANAGED_BY_LABEL, MANAGED_BY, INSTANCE_LABEL, instance, "app.kubernetes.io/name", name);
        var deployed = new Deployed(k8s, ours, ns, name);
        try {
            Pod pod = k8s.pods().inNamespace(ns).resource(pod(ns, name, labels)).create();
            deployed.podCreated = true;
            k8s.services().inNamespace(ns).resource(service(ns, name, labels, pod)).create();
            deployed.serviceCreated = true;
            Pod ready = deployed.awaitReady(startup.timeout());
            Service service = k8s.services().inNamespace(ns).withName(name).get();
            deployed.endpoint = access.open(k8s, ready, service, containerPort);
            return deployed;
        } catch (RuntimeException e) {
            String logs = deployed.logs();
            deployed.stop();
            throw e instanceof ProviderStartException p ? new ProviderStartException(p.getMessage(), logs, p)
                    : new ProviderStartException("cannot start pod " + ns + "/" + name + ": " + e.getMessage(), logs, e);
        }
    }

    /** A DNS-1123 fragment of the image's name: {@code registry/team/echo-env:1} → {@code echo-env}. */
    static String nameOf(String image) {
        String last = image.substring(image.lastIndexOf('/') + 1).replaceAll("[:@].*$", "");
        String clean = last.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        clean = clean.length() > 30 ? clean.substring(0, 30).replaceAll("-+$", "") : clean;
        return clean.isEmpty() ? "env" : clean;
    }

    private Pod pod(String ns, String name, Map<String, String> labels) {
        var container = new EnvContainer(image, containerPort, startup.environment(), cpu, memory, hostNetwork, readinessCommand);
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).endMetadata()
                .withSpec(container.podSpec().withRestartPolicy("Never").build())
                .build();
    }

    private Service service(String ns, String name, Map<String, String> labels, Pod pod) {
        // Owned by the Pod: whoever deletes the Pod (a person, a namespace cleanup) takes the Service too.
        var owner = new OwnerReferenceBuilder().withApiVersion("v1").withKind("Pod").withName(name)
                .withUid(pod.getMetadata().getUid()).build();
        return new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).withOwnerReferences(owner).endMetadata()
                .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(Map.of(INSTANCE_LABEL, labels.get(INSTANCE_LABEL)))
                    .addNewPort().withName("http").withPort(containerPort).withTargetPort(new IntOrString(containerPort)).endPort()
                .endSpec()
                .build();
    }

    /** The objects of one environment. */
    private final class Deployed implements Lifecycle.Launched {
        private final KubernetesClient k8s;
        private final boolean ours;
        private final String ns;
        private final String name;
        boolean podCreated;
        boolean serviceCreated;
        Endpoint endpoint;

        Deployed(KubernetesClient k8s, boolean ours, String ns, String name) {
            this.k8s = k8s;
            this.ours = ours;
            this.ns = ns;
            this.name = name;
        }

        Pod awaitReady(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            String last = "not created yet";
            while (true) {
                Pod pod = k8s.pods().inNamespace(ns).withName(name).get();
                if (pod != null) {
                    if (PodStatus.isReady(pod)) {
                        return pod;
                    }
                    Optional<String> failure = PodStatus.failureOf(pod);
                    if (failure.isPresent()) {
                        throw new ProviderStartException("pod " + ns + "/" + name + " " + failure.get() + " before it was ready");
                    }
                    last = PodStatus.describe(pod);
                } else {
                    throw new ProviderStartException("pod " + ns + "/" + name + " was deleted before it was ready");
                }
                if (System.nanoTime() > deadline) {
                    throw new ProviderStartException("pod " + ns + "/" + name + " not ready within " + timeout.toMillis() + " ms (" + last + ")");
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ProviderStartException("interrupted while waiting for pod " + ns + "/" + name, e);
                }
            }
        }

        @Override
        public String baseUrl() {
            return endpoint.baseUrl();
        }

        @Override
        public String description() {
            return "pod " + ns + "/" + name + " of " + image;
        }

        @Override
        public Optional<String> failure() {
            try {
                Pod pod = k8s.pods().inNamespace(ns).withName(name).get();
                return pod == null ? Optional.of("was deleted") : PodStatus.failureOf(pod);
            } catch (KubernetesClientException e) {
                return Optional.empty(); // the API server being slow is no news about the pod
            }
        }

        @Override
        public String logs() {
            return podCreated ? PodLogs.tail(k8s, ns, name, 400) : "";
        }

        @Override
        public void stop() {
            var problems = new ArrayList<Exception>();
            if (endpoint != null) {
                try {
                    endpoint.closer().close();
                } catch (Exception e) {
                    problems.add(e);
                }
            }
            try {
                if (serviceCreated) {
                    k8s.services().inNamespace(ns).withName(name).delete();
                }
                if (podCreated) {
                    k8s.pods().inNamespace(ns).withName(name).withGracePeriod(startup.stopTimeout().toSeconds()).delete();
                }
            } catch (KubernetesClientException e) {
                problems.add(e);
            }
            if (ours) {
                k8s.close();
            }
            if (!problems.isEmpty()) {
                var e = new IllegalStateException("could not delete pod/service " + ns + "/" + name, problems.getFirst());
                problems.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
        }
    }

    /** Builds a {@link KubernetesProvider}. */
    public static final class Builder extends ProviderBuilder<Builder> {
        private final String image;
        private final PodOptions pod = new PodOptions();

        /** Startup timeout 3 minutes (image pulls take time); grace period 5 s. */
        private Builder(String image) {
            super(StartupOptions.defaults().withTimeout(Duration.ofMinutes(3)).withStopTimeout(Duration.ofSeconds(5)));
            this.image = Objects.requireNonNull(image, "image");
        }

        public Builder namespace(String namespace) {
            pod.namespace(namespace);
            return this;
        }

        public Builder containerPort(int port) {
            pod.containerPort(port);
            return this;
        }

        /** CPU and memory request (= limit), Kubernetes quantities such as {@code "500m"} and {@code "512Mi"}. */
        public Builder resources(String cpu, String memory) {
            pod.resources(cpu, memory);
            return this;
        }

        public Builder access(Access access) {
            pod.access(access);
            return this;
        }

        /** The API client to use (not closed by the provider); default: from {@code KUBECONFIG} / in-cluster. */
        public Builder client(KubernetesClient client) {
            pod.client(client);
            return this;
        }

        /** On the node's network, listening on {@code 127.0.0.1:containerPort} (see {@link KubernetesProvider#hostNetwork()}). */
        public Builder hostNetwork(boolean hostNetwork) {
            pod.hostNetwork(hostNetwork);
            return this;
        }

        /** Readiness by {@code command} in the container, exit 0 when the server answers (instead of {@code GET /health}). */
        public Builder readinessCommand(String... command) {
            pod.readinessCommand(command);
            return this;
        }

        public KubernetesProvider build() {
            return new KubernetesProvider(image, pod.namespace(), pod.containerPort(), pod.cpu(), pod.memory(), pod.hostNetwork(),
                    pod.readinessCommand(), pod.access(), pod.client(), startup);
        }
    }
}
