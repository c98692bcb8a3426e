package dev.openenv.runtime.internal;

import dev.openenv.runtime.ProviderStartException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** A server process with its output captured: what the process and sandbox providers launch. */
public final class LocalProcess implements Lifecycle.Launched {
    private final Process process;
    private final String baseUrl;
    private final String description;
    private final LogBuffer logs;
    private final Thread pump;
    private final Duration stopTimeout;
    private final Runnable afterStop;

    private LocalProcess(Process process, String baseUrl, String description, LogBuffer logs, Duration stopTimeout, Runnable afterStop) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.description = description;
        this.logs = logs;
        this.stopTimeout = stopTimeout;
        this.afterStop = afterStop;
        this.pump = logs.pump(process.getInputStream(), "openenv-log-" + process.pid());
    }

    /**
     * Starts {@code command} (stdout and stderr merged into the log) with {@code environment} as its
     * whole environment when {@code clearEnvironment}, else on top of this JVM's. {@code afterStop}
     * runs once the process tree is gone, also when starting fails.
     */
    public static LocalProcess start(String label, List<String> command, Map<String, String> environment, boolean clearEnvironment,
            Path directory, String baseUrl, Duration stopTimeout, Consumer<String> logConsumer, Runnable afterStop) {
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (clearEnvironment) {
            builder.environment().clear();
        }
        builder.environment().putAll(environment);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Process process;
        try {
            process = Processes.start(builder);
        } catch (IOException e) {
            afterStop.run();
            throw new ProviderStartException("cannot run " + command + ": " + e.getMessage(), e);
        }
        return new LocalProcess(process, baseUrl, label + " pid " + process.pid(), new LogBuffer(logConsumer), stopTimeout, afterStop);
    }

    public Process process() {
        return process;
    }

    @Override
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Optional<String> failure() {
        return process.isAlive() ? Optional.empty() : Optional.of(Processes.exitDescription(process));
    }

    @Override
    public String logs() {
        if (!process.isAlive()) {
            try {
                pump.join(Duration.ofSeconds(2)); // the last lines of a dead process are worth the wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return logs.text();
    }

    @Override
    public void stop() {
        try {
            Processes.destroyTree(process, stopTimeout);
            try {
                pump.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            afterStop.run();
        }
    }
}
