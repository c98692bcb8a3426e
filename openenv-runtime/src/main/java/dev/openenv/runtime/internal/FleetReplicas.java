package dev.openenv.runtime.internal;

import dev.openenv.client.ReplicaSource;
import dev.openenv.runtime.KubernetesFleet;
import dev.openenv.runtime.KubernetesProvider.Access;
import dev.openenv.runtime.KubernetesProvider.Endpoint;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The discovery half of a {@link KubernetesFleet}: its ready replicas, read from the EndpointSlices of its headless
 * Service (terminating endpoints left out), each reached by one {@link Endpoint} of its {@link Access} (one
 * port-forward per pod by default), opened when a replica becomes ready and closed when it goes. As a
 * {@link ReplicaSource} it answers from the last list, re-read at most once per {@code refreshEvery}.
 *
 * <p>States: open ──close()──▶ closed (every endpoint closed; lists empty from then on). Thread-safe.
 */
public final class FleetReplicas implements ReplicaSource {
    private static final Logger LOG = Logger.getLogger(KubernetesFleet.class.getName());

    private final KubernetesClient k8s;
    private final String namespace;
    private final String name;
    private final int containerPort;
    private final Access access;
    private final Duration refreshEvery;
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>(); // by pod name; guarded by this
    private List<URI> cached = List.of(); // guarded by this
    private long refreshedAt; // guarded by this
    private boolean closed; // guarded by this

    /** For the fleet {@code namespace}/{@code name} (Service and pod label {@link KubernetesFleet#FLEET_LABEL}). */
    public FleetReplicas(KubernetesClient k8s, String namespace, String name, int containerPort, Access access, Duration refreshEvery) {
        this.k8s = k8s;
        this.namespace = namespace;
        this.name = name;
        this.containerPort = containerPort;
        this.access = access;
        this.refreshEvery = refreshEvery;
        this.refreshedAt = System.nanoTime() - refreshEvery.toNanos() - 1;
    }

    /** The last list when younger than {@code refreshEvery}, else {@link #refresh()}; the last list if the API fails. */
    @Override
    public List<URI> current() {
        synchronized (this) {
            if (System.nanoTime() - refreshedAt < refreshEvery.toNanos()) {
                return cached;
            }
        }
        try {
            return refresh();
        } catch (KubernetesClientException e) {
            LOG.log(Level.WARNING, "fleet " + namespace + "/" + name + ": cannot read its endpoints; keeping the last list", e);
            synchronized (this) {
                return cached;
            }
        }
    }

    /** The address for pod {@code pod}, if it is a ready replica (as of the last refresh). */
    public synchronized Optional<URI> replicaOf(String pod) {
        return Optional.ofNullable(endpoints.get(pod)).map(e -> URI.create(e.baseUrl()));
    }

    /** Reads the ready replicas now, opening a way to new ones and closing those of replicas gone. */
    public synchronized List<URI> refresh() {
        if (closed) {
            return List.of();
        }
        Map<String, Pod> byName = new HashMap<>();
        for (Pod pod : pods()) { // one list per refresh, for the readiness fallback and for opening new ways alike
            byName.put(pod.getMetadata().getName(), pod);
        }
        Set<String> ready = readyPods(byName.values());
        for (var it = endpoints.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!ready.contains(e.getKey())) {
                closeQuietly(e.getValue());
                it.remove();
            }
        }
        Service service = null; // read once, and only when a new replica needs a way opened
        for (String pod : ready) {
            if (!endpoints.containsKey(pod) && byName.containsKey(pod)) {
                try {
                    if (service == null) {
                        service = k8s.services().inNamespace(namespace).withName(name).get();
                    }
                    endpoints.put(pod, access.open(k8s, byName.get(pod), service, containerPort));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "fleet " + namespace + "/" + name + ": cannot reach pod " + pod + "; left out", e);
                }
            }
        }
        cached = endpoints.values().stream().map(e -> URI.create(e.baseUrl())).toList();
        refreshedAt = System.nanoTime();
        return cached;
    }

    /** The fleet's pods, ready or not. */
    public List<Pod> pods() {
        return k8s.pods().inNamespace(namespace).withLabel(KubernetesFleet.FLEET_LABEL, name).list().getItems();
    }

    /** Closes every endpoint; true the first time, false when already closed. */
    public synchronized boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        endpoints.values().forEach(FleetReplicas::closeQuietly);
        endpoints.clear();
        cached = List.of();
        return true;
    }

    /**
     * Pods listed ready by the Service's EndpointSlices; when it has none (pods without an address, as with
     * host-network-less test clusters), those of {@code pods} whose Ready condition holds and that are not terminating.
     */
    private Set<String> readyPods(Collection<Pod> pods) {
        Set<String> fromSlices = new LinkedHashSet<>();
        boolean anySlice = false;
        for (EndpointSlice slice : k8s.discovery().v1().endpointSlices().inNamespace(namespace)
                .withLabel("kubernetes.io/service-name", name).list().getItems()) {
            if (slice.getEndpoints() == null) {
                continue;
            }
            for (var ep : slice.getEndpoints()) {
                anySlice = true;
                boolean isReady = ep.getConditions() == null || !Boolean.FALSE.equals(ep.getConditions().getReady());
                boolean terminating = ep.getConditions() != null && Boolean.TRUE.equals(ep.getConditions().getTerminating());
                if (isReady && !terminating && ep.getTargetRef() != null && "Pod".equals(ep.getTargetRef().getKind())) {
                    fromSlices.add(ep.getTargetRef().getName());
                }
            }
        }
        if (anySlice) {
            return fromSlices;
        }
        Set<String> fromPods = new LinkedHashSet<>();
        for (Pod pod : pods) {
            if (pod.getMetadata().getDeletionTimestamp() == null && PodStatus.isReady(pod)) {
                fromPods.add(pod.getMetadata().getName());
            }
        }
        return fromPods;
    }

    private static void closeQuietly(Endpoint endpoint) {
        try {
            endpoint.closer().close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing the way to " + endpoint.baseUrl(), e);
        }
    }
}
