package dev.openenv.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.openenv.client.EnvProvider;
import dev.openenv.runtime.internal.Lifecycle;
import dev.openenv.runtime.internal.LogBuffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs an environment image in a container engine through the Docker Engine API (Docker, or
 * podman's compatible service): create, publish the server port on {@code 127.0.0.1} and a port the
 * engine picks, start, follow the logs, wait until ready; stopping stops and removes the container.
 * Needs {@code com.github.docker-java:docker-java-core} and {@code docker-java-transport-zerodep}.
 *
 * <pre>{@code
 * var provider = ContainerProvider.builder("ghcr.io/example/echo-env:1.0").env("MAX_CONCURRENT_ENVS", "8").build();
 * try (var env = EnvClient.start(provider, echoType)) { … }
 * }</pre>
 *
 * The engine is the one {@code DOCKER_HOST} names (default {@code unix:///var/run/docker.sock}), or
 * the {@link DockerClient} given to the builder (then not closed by the provider). An image missing
 * locally is pulled. Containers carry the label {@value #LABEL}{@code =true} (and
 * {@value #LABEL_INSTANCE}), so leftovers of a JVM that was killed outright (no shutdown hook ran)
 * can be found and removed: {@code docker rm -f $(docker ps -aq --filter label=dev.openenv.runtime=true)}.
 * No ulimits are passed (rootful podman on some hosts refuses any).
 *
 * @param image         the image, e.g. {@code localhost/openenv-echo:1}
 * @param containerPort the port the server listens on inside (default 8000, as {@code PORT})
 * @param command       replaces the image's {@code CMD} when not empty
 * @param memoryBytes   memory limit of the container, 0 for the engine's default
 * @param docker        supplies the engine client; null for one from {@code DOCKER_HOST}
 * @param startup       timeout, wait strategy, log consumer, stop timeout (how long the server gets
 *                      after SIGTERM before the engine kills it, default 10 s), and the container's
 *                      environment variables ({@code PORT} is set to the container port)
 */
public record ContainerProvider(String image, int containerPort, List<String> command, long memoryBytes,
        Supplier<DockerClient> docker, StartupOptions startup) implements EnvProvider {
    public static final String LABEL = "dev.openenv.runtime";
    public static final String LABEL_INSTANCE = "dev.openenv.instance";

    public ContainerProvider {
        Objects.requireNonNull(image, "image");
        if (containerPort < 1 || containerPort > 65535) {
            throw new IllegalArgumentException("container port must be 1..65535, got " + containerPort);
        }
        command = List.copyOf(command);
        Objects.requireNonNull(startup, "startup");
    }

    public static Builder builder(String image) {
        return new Builder(image);
    }

    /** A client for the engine {@code DOCKER_HOST} names (or the platform's default socket). */
    public static DockerClient dockerFromEnvironment() {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        var http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(5))
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    @Override
    public StartedEnv start() {
        boolean ours = docker == null;
        DockerClient client = ours ? dockerFromEnvironment() : docker.get();
        try {
            client.pingCmd().exec();
        } catch (RuntimeException e) {
            closeQuietly(client, ours);
            throw new ProviderStartException("no container engine reachable at " + describeHost() + ": " + e.getMessage(), e);
        }
        try {
            ensureImage(client);
        } catch (RuntimeException e) {
            closeQuietly(client, ours);
            throw e;
        }
        return Lifecycle.start(startup, () -> launch(client, ours));
    }

    private static String describeHost() {
        String host = System.getenv("DOCKER_HOST");
        return host == null ? "the default socket (DOCKER_HOST is not set)" : "DOCKER_HOST=" + host;
    }

    private void ensureImage(DockerClient client) {
        try {
            client.inspectImageCmd(image).exec();
            return;
        } catch (NotFoundException missing) {
            // pull below
        }
        try {
            boolean done = client.pullImageCmd(image).exec(new PullImageResultCallback())
                    .awaitCompletion(startup.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                throw new ProviderStartException("pulling " + image + " took longer than " + startup.timeout());
            }
            // Some engines report a failed pull only in the stream's items, if at all: look again.
            client.inspectImageCmd(image).exec();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderStartException("interrupted while pulling " + image, e);
        } catch (RuntimeException e) {
            throw e instanceof ProviderStartException p ? p
                    : new ProviderStartException("image " + image + " is not present and could not be pulled: " + e.getMessage(), e);
        }
    }

    private Lifecycle.Launched launch(DockerClient client, boolean ours) {
        String instance = UUID.randomUUID().toString();
        var exposed = ExposedPort.tcp(containerPort);
        var ports = new Ports();
        ports.bind(exposed, Ports.Binding.bindIp("127.0.0.1")); // the engine picks a free host port
        var host = HostConfig.newHostConfig().withPortBindings(ports);
        if (memoryBytes > 0) {
            host.withMemory(memoryBytes);
        }
        var env = new LinkedHashMap<String, String>();
        env.put("PORT", Integer.toString(containerPort));
        env.putAll(startup.environment());
        String id;
        try {
            var create = client.createContainerCmd(image)
                    .withName("openenv-" + instance.substring(0, 8))
                    .withLabels(Map.of(LABEL, "true", LABEL_INSTANCE, instance))
                    .withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    .withExposedPorts(exposed)
                    .withHostConfig(host);
            if (!command.isEmpty()) {
                create.withCmd(command);
            }
            id = create.exec().getId();
        } catch (RuntimeException e) {
            closeQuietly(client, ours);
            throw new ProviderStartException("cannot create a container of " + image + ": " + e.getMessage(), e);
        }
        var container = new Container(client, ours, id, new LogBuffer(startup.logConsumer()));
        try {
            client.startContainerCmd(id).exec();
            container.followLogs();
            var bindings = client.inspectContainerCmd(id).exec().getNetworkSettings().getPorts().getBindings().get(exposed);
            if (bindings == null || bindings.length == 0) {
                throw new ProviderStartException("the engine published no host port for " + exposed);
            }
            container.baseUrl = "http://127.0.0.1:" + bindings[0].getHostPortSpec();
            return container;
        } catch (RuntimeException e) {
            String logs = container.logs();
            container.stop();
            throw new ProviderStartException("cannot start container " + id.substring(0, 12) + " of " + image + ": " + e.getMessage(), logs, e);
        }
    }

    private static void closeQuietly(DockerClient client, boolean ours) {
        if (ours) {
            try {
                client.close();
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            }
        }
    }

    /** One started container. */
    private final class Container implements Lifecycle.Launched {
        private final DockerClient client;
        private final boolean ours;
        private final String id;
        private final LogBuffer logs;
        private final StringBuilder partial = new StringBuilder();
        private ResultCallback.Adapter<Frame> logStream;
        volatile String baseUrl;

        Container(DockerClient client, boolean ours, String id, LogBuffer logs) {
            this.client = client;
            this.ours = ours;
            this.id = id;
            this.logs = logs;
        }

        void followLogs() {
            logStream = client.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
                    .exec(new ResultCallback.Adapter<>() {
                        @Override
                        public void onNext(Frame frame) {
                            lines(new String(frame.getPayload(), StandardCharsets.UTF_8));
                        }
                    });
        }

        private synchronized void lines(String chunk) {
            partial.append(chunk);
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
                logs.accept(partial.substring(0, nl));
                partial.delete(0, nl + 1);
            }
        }

        @Override
        public String baseUrl() {
            return baseUrl;
        }

        @Override
        public String description() {
            return "container " + id.substring(0, 12) + " of " + image;
        }

        @Override
        public Optional<String> failure() {
            try {
                var state = client.inspectContainerCmd(id).exec().getState();
                return Boolean.TRUE.equals(state.getRunning()) ? Optional.empty()
                        : Optional.of("container exited with code " + state.getExitCodeLong()
                                + (state.getOOMKilled() != null && state.getOOMKilled() ? " (out of memory)" : ""));
            } catch (NotFoundException e) {
                return Optional.of("container was removed");
            }
        }

        @Override
        public String logs() {
            synchronized (this) {
                if (!partial.isEmpty()) {
                    logs.accept(partial.toString());
                    partial.setLength(0);
                }
            }
            return logs.text();
        }

        @Override
        public void stop() {
            List<RuntimeException> problems = new ArrayList<>();
            try {
                client.stopContainerCmd(id).withTimeout((int) Math.max(1, startup.stopTimeout().toSeconds())).exec();
            } catch (NotModifiedException | NotFoundException alreadyStopped) {
                // nothing to stop
            } catch (RuntimeException e) {
                problems.add(e);
            }
            try {
                client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException alreadyGone) {
                // removed already
            } catch (RuntimeException e) {
                problems.add(e);
            }
            if (logStream != null) {
                try {
                    logStream.close();
                } catch (IOException ignored) {
                    // the stream ends with the container anyway
                }
            }
            closeQuietly(client, ours);
            if (!problems.isEmpty()) {
                var e = new IllegalStateException("could not stop and remove container " + id, problems.getFirst());
                problems.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
        }
    }

    /** Builds a {@link ContainerProvider}. */
    public static final class Builder extends ProviderBuilder<Builder> {
        private final String image;
        private int containerPort = 8000;
        private List<String> command = List.of();
        private long memoryBytes;
        private Supplier<DockerClient> docker;

        private Builder(String image) {
            super(StartupOptions.defaults());
            this.image = Objects.requireNonNull(image, "image");
        }

        public Builder containerPort(int port) {
            this.containerPort = port;
            return this;
        }

        public Builder command(String... command) {
            this.command = List.of(command);
            return this;
        }

        public Builder memoryBytes(long bytes) {
            this.memoryBytes = bytes;
            return this;
        }

        /** The engine client to use (not closed by the provider); default: from {@code DOCKER_HOST}. */
        public Builder docker(DockerClient client) {
            Objects.requireNonNull(client, "client");
            this.docker = () -> client;
            return this;
        }

        public ContainerProvider build() {
            return new ContainerProvider(image, containerPort, command, memoryBytes, docker, startup);
        }
    }
}
