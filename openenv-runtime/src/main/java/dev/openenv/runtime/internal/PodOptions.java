package dev.openenv.runtime.internal;

import dev.openenv.runtime.KubernetesProvider.Access;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The pod options a lone Pod ({@code KubernetesProvider.Builder}) and a fleet ({@code KubernetesFleet.Builder}) share,
 * held once: both builders' setters of the same name delegate here, so defaults and checks are the same. Mutable,
 * like the builders it serves; not thread-safe.
 */
public final class PodOptions {
    private String namespace;
    private int containerPort = 8000;
    private String cpu;
    private String memory;
    private boolean hostNetwork;
    private List<String> readinessCommand;
    private Access access = Access.portForward();
    private Supplier<KubernetesClient> client;

    /** Null for the client's namespace (or {@code default}). */
    public void namespace(String namespace) {
        this.namespace = namespace;
    }

    public void containerPort(int port) {
        this.containerPort = port;
    }

    /** Request = limit; null for none. */
    public void resources(String cpu, String memory) {
        this.cpu = cpu;
        this.memory = memory;
    }

    public void hostNetwork(boolean hostNetwork) {
        this.hostNetwork = hostNetwork;
    }

    public void readinessCommand(String... command) {
        this.readinessCommand = List.of(command);
    }

    public void access(Access access) {
        this.access = Objects.requireNonNull(access, "access");
    }

    public void client(KubernetesClient client) {
        Objects.requireNonNull(client, "client");
        this.client = () -> client;
    }

    public String namespace() {
        return namespace;
    }

    public int containerPort() {
        return containerPort;
    }

    public String cpu() {
        return cpu;
    }

    public String memory() {
        return memory;
    }

    public boolean hostNetwork() {
        return hostNetwork;
    }

    public List<String> readinessCommand() {
        return readinessCommand;
    }

    public Access access() {
        return access;
    }

    /** Null when none was given (then {@link #connect} makes one from the environment). */
    public Supplier<KubernetesClient> client() {
        return client;
    }

    /** The container of {@code image} with these options and the variables {@code env}. */
    public EnvContainer container(String image, Map<String, String> env) {
        return new EnvContainer(image, containerPort, env, cpu, memory, hostNetwork, readinessCommand);
    }

    /** The given client, or (when {@code client} is null) a new one from {@code KUBECONFIG} / in-cluster, for the caller to close. */
    public static KubernetesClient connect(Supplier<KubernetesClient> client) {
        return client == null ? new KubernetesClientBuilder().build() : client.get();
    }

    /** {@code namespace}, else the client's, else {@code default}. */
    public static String namespaceIn(String namespace, KubernetesClient k8s) {
        return namespace != null ? namespace : k8s.getNamespace() != null ? k8s.getNamespace() : "default";
    }
}
