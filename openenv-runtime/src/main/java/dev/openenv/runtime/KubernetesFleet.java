package dev.openenv.runtime;

import dev.openenv.client.ReplicaSource;
import dev.openenv.runtime.internal.FleetReplicas;
import dev.openenv.runtime.internal.PodLogs;
import dev.openenv.runtime.internal.PodOptions;
import dev.openenv.runtime.internal.PodStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * An environment image run as a fleet on Kubernetes: a Deployment of N replicas (readiness {@code GET /health},
 * resource requests), a headless Service over them, and a {@link ReplicaSource} for an {@link dev.openenv.client.EnvPool}
 * that follows the Service's endpoints and reaches each ready replica (by port-forward by default).
 *
 * <pre>{@code
 * try (var fleet = KubernetesFleet.builder("registry.example.com/echo-env:1").replicas(3).sessionsPerReplica(64).deploy();
 *      var pool = EnvPool.builder(echo).replicas(fleet.replicas()).sessionsPerReplica(64).build()) {
 *     var sessions = pool.open(150);
 *     fleet.scale(5);          // sessions opened from now on spread over the new replicas too
 * }
 * }</pre>
 *
 * States: deployed (from {@link Builder#deploy()}, which waits for the replicas to be ready) ──scale(n)──▶ deployed
 * ──close()──▶ deleted (port-forwards closed, Deployment and Service deleted). Objects carry
 * {@value KubernetesProvider#MANAGED_BY_LABEL}={@value KubernetesProvider#MANAGED_BY}, so
 * {@link KubernetesProvider#deleteAll} (which also deletes Deployments) removes a fleet left by a killed JVM.
 */
public final class KubernetesFleet implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KubernetesFleet.class.getName());
    public static final String FLEET_LABEL = "openenv.dev/fleet";

    private final KubernetesClient k8s;
    private final boolean ownsClient;
    private final String namespace;
    private final String name;
    private final FleetReplicas discovery;

    private KubernetesFleet(Builder b, KubernetesClient k8s, boolean ownsClient, String namespace, String name) {
        this.k8s = k8s;
        this.ownsClient = ownsClient;
        this.namespace = namespace;
        this.name = name;
        this.discovery = new FleetReplicas(k8s, namespace, name, b.pod.containerPort(), b.pod.access(), b.refreshEvery);
    }

    public static Builder builder(String image) {
        return new Builder(image);
    }

    public String name() {
        return name;
    }

    public String namespace() {
        return namespace;
    }

    /** Sets the number of replicas; returns at once (see {@link #awaitReady}). */
    public void scale(int replicas) {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be >= 0, was " + replicas);
        }
        k8s.apps().deployments().inNamespace(namespace).withName(name).scale(replicas);
        LOG.info(() -> "fleet " + namespace + "/" + name + ": scaled to " + replicas);
    }

    /**
     * Waits until {@code replicas} replicas are ready and reachable.
     *
     * @throws ProviderStartException when a pod cannot run (image pull failure, crash), or on timeout
     */
    public List<URI> awaitReady(int replicas, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<URI> ready = discovery.refresh();
            if (ready.size() >= replicas) {
                return ready;
            }
            for (Pod pod : discovery.pods()) {
                Optional<String> failure = PodStatus.failureOf(pod);
                if (failure.isPresent()) {
                    throw new ProviderStartException("fleet " + namespace + "/" + name + ": pod " + pod.getMetadata().getName()
                            + " " + failure.get(), PodLogs.tail(k8s, namespace, pod.getMetadata().getName(), 200), null);
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new ProviderStartException("fleet " + namespace + "/" + name + ": " + ready.size() + " of " + replicas
                        + " replicas ready within " + timeout.toMillis() + " ms (" + discovery.pods().stream().map(PodStatus::describe).toList() + ")");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderStartException("interrupted while waiting for fleet " + namespace + "/" + name, e);
            }
        }
    }

    /**
     * The replicas as an {@link dev.openenv.client.EnvPool} wants them: the ready endpoints of the fleet's Service,
     * each reached through {@link Builder#access}; refreshed at most every {@link Builder#refreshEvery} (default 1 s).
     */
    public ReplicaSource replicas() {
        return discovery;
    }

    /** The address the pool uses for pod {@code pod}, if it is a ready replica (as of the last refresh). */
    public Optional<URI> replicaOf(String pod) {
        return discovery.replicaOf(pod);
    }

    /** Reads the ready replicas now, opening a way to new ones and closing those of replicas gone. */
    public List<URI> refresh() {
        return discovery.refresh();
    }

    /**
     * Closes every port-forward, deletes the Deployment and the Service, and waits (up to 30 s) until the
     * fleet's pods are gone. Idempotent.
     */
    @Override
    public void close() {
        if (!discovery.close()) {
            return;
        }
        try {
            k8s.apps().deployments().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
            k8s.services().inNamespace(namespace).withName(name).delete();
            // Until the pods are gone: the garbage collector deletes them with their own grace period after the
            // Deployment, and a ReplicaSet not yet collected may still make one; each round deletes what is left now.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!discovery.pods().isEmpty() && System.nanoTime() - deadline < 0) {
                k8s.pods().inNamespace(namespace).withLabel(FLEET_LABEL, name).withGracePeriod(0).delete();
                try {
                    TimeUnit.MILLISECONDS.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (!discovery.pods().isEmpty()) {
                LOG.warning(() -> "fleet " + namespace + "/" + name + ": pods still terminating 30 s after close");
            }
        } finally {
            if (ownsClient) {
                k8s.close();
            }
        }
    }

    /** Builds and deploys a {@link KubernetesFleet}. */
    public static final class Builder {
        private final String image;
        private String name;
        private int replicas = 1;
        private int sessionsPerReplica;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final PodOptions pod = new PodOptions();
        private Duration timeout = Duration.ofMinutes(3);
        private Duration refreshEvery = Duration.ofSeconds(1);

        private Builder(String image) {
            this.image = Objects.requireNonNull(image, "image");
        }

        public Builder namespace(String namespace) {
            pod.namespace(namespace);
            return this;
        }

        /** The Deployment's and Service's name (default {@code openenv-IMAGE-xxxxxxxx}). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder replicas(int replicas) {
            if (replicas < 0) {
                throw new IllegalArgumentException("replicas must be >= 0, was " + replicas);
            }
            this.replicas = replicas;
            return this;
        }

        /** Sessions each replica serves at once ({@code MAX_CONCURRENT_ENVS}); default: the image's own. */
        public Builder sessionsPerReplica(int sessions) {
            if (sessions < 1) {
                throw new IllegalArgumentException("sessionsPerReplica must be >= 1, was " + sessions);
            }
            this.sessionsPerReplica = sessions;
            return this;
        }

        public Builder containerPort(int port) {
            pod.containerPort(port);
            return this;
        }

        /** CPU and memory request (= limit), e.g. {@code "500m"}, {@code "512Mi"}; null for none. */
        public Builder resources(String cpu, String memory) {
            pod.resources(cpu, memory);
            return this;
        }

        /** An environment variable of every replica's container. */
        public Builder env(String key, String value) {
            env.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Replicas on the node's network (one per node, on {@code containerPort}); the readiness probe then asks
         * {@code 127.0.0.1}. For clusters without a pod network.
         */
        public Builder hostNetwork(boolean hostNetwork) {
            pod.hostNetwork(hostNetwork);
            return this;
        }

        /**
         * Readiness by a command in the container instead of {@code GET /health} from the kubelet (for pods the
         * kubelet cannot reach, e.g. without a pod address); it must exit 0 when the server answers.
         */
        public Builder readinessCommand(String... command) {
            pod.readinessCommand(command);
            return this;
        }

        /** How each replica is reached (default: port-forward to 127.0.0.1). */
        public Builder access(KubernetesProvider.Access access) {
            pod.access(access);
            return this;
        }

        /** The API client (not closed by the fleet); default: from {@code KUBECONFIG} / in-cluster. */
        public Builder client(KubernetesClient client) {
            pod.client(client);
            return this;
        }

        /** How long {@link #deploy()} waits for the replicas to be ready (default 3 min). */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** How stale the replica list handed to a pool may be (default 1 s). */
        public Builder refreshEvery(Duration every) {
            this.refreshEvery = Objects.requireNonNull(every, "every");
            return this;
        }

        /**
         * Creates the Deployment and Service and waits until every replica is ready; on failure deletes them and
         * throws {@link ProviderStartException} with the first failing pod's reason and log.
         */
        public KubernetesFleet deploy() {
            boolean ours = pod.client() == null;
            KubernetesClient k8s = PodOptions.connect(pod.client());
            String ns = PodOptions.namespaceIn(pod.namespace(), k8s);
            String fleetName = name != null ? name
                    : "openenv-" + KubernetesProvider.nameOf(image) + "-" + UUID.randomUUID().toString().substring(0, 8);
            var labels = Map.of(KubernetesProvider.MANAGED_BY_LABEL, KubernetesProvider.MANAGED_BY, FLEET_LABEL, fleetName,
                    "app.kubernetes.io/name", fleetName);
            var fleet = new KubernetesFleet(this, k8s, ours, ns, fleetName);
            try {
                k8s.services().inNamespace(ns).resource(service(ns, fleetName, labels)).create();
                k8s.apps().deployments().inNamespace(ns).resource(deployment(ns, fleetName, labels)).create();
                LOG.info(() -> "fleet " + ns + "/" + fleetName + ": deployed " + replicas + " replicas of " + image);
                fleet.awaitReady(replicas, timeout);
                return fleet;
            } catch (RuntimeException e) {
                try {
                    fleet.close();
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e instanceof ProviderStartException ? e
                        : new ProviderStartException("cannot deploy fleet " + ns + "/" + fleetName + ": " + e.getMessage(), e);
            }
        }

        private Service service(String ns, String fleetName, Map<String, String> labels) {
            return new ServiceBuilder()
                    .withNewMetadata().withName(fleetName).withNamespace(ns).withLabels(labels).endMetadata()
                    .withNewSpec()
                        .withClusterIP("None")   // headless: one endpoint per replica, no virtual IP in between
                        .withSelector(Map.of(FLEET_LABEL, fleetName))
                        .addNewPort().withName("http").withPort(pod.containerPort()).withTargetPort(new IntOrString(pod.containerPort())).endPort()
                    .endSpec()
                    .build();
        }

        private Deployment deployment(String ns, String fleetName, Map<String, String> labels) {
            var vars = new LinkedHashMap<String, String>();
            if (sessionsPerReplica > 0) {
                vars.put("MAX_CONCURRENT_ENVS", Integer.toString(sessionsPerReplica));
            }
            vars.putAll(env);
            var container = pod.container(image, vars);
            return new DeploymentBuilder()
                    .withNewMetadata().withName(fleetName).withNamespace(ns).withLabels(labels).endMetadata()
                    .withNewSpec()
                        .withReplicas(replicas)
                        .withNewSelector().withMatchLabels(Map.of(FLEET_LABEL, fleetName)).endSelector()
                        .withNewTemplate()
                            .withNewMetadata().withLabels(labels).endMetadata()
                            .withSpec(container.podSpec().withTerminationGracePeriodSeconds(5L).build())
                        .endTemplate()
                    .endSpec()
                    .build();
        }
    }

    @Override
    public String toString() {
        return "fleet " + namespace + "/" + name;
    }
}
