package dev.openenv.server;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of an {@link EnvServer}. {@link #fromEnvironment(Map)} reads the reference's environment
 * variables ({@code HOST}, {@code PORT}, {@code MAX_CONCURRENT_ENVS}) and ours ({@code OPENENV_*}).
 *
 * @param host              interface to bind ({@code HOST}, default {@code 0.0.0.0})
 * @param port              TCP port, 0 for an ephemeral one ({@code PORT}, default 8000)
 * @param maxConcurrentEnvs most sessions alive at once: WebSocket sessions plus isolated HTTP
 *                          sessions ({@code MAX_CONCURRENT_ENVS}, default 1 as in the reference)
 * @param idleTimeout       a session with no message for this long is closed; {@link Duration#ZERO}
 *                          turns it off ({@code OPENENV_IDLE_TIMEOUT_S}, default 600 s)
 * @param pingInterval      WebSocket ping period; a peer silent for two periods is dropped
 *                          ({@code OPENENV_PING_INTERVAL_S}, default 20 s; 0 turns pings off)
 * @param stepTimeout       default budget of one step, {@code null} for none
 *                          ({@code OPENENV_STEP_TIMEOUT_S}); HTTP callers may pass {@code timeout_s}
 * @param mode              simulation or production ({@code OPENENV_MODE}, default simulation)
 * @param maxMessageBytes   largest inbound WebSocket message ({@code OPENENV_MAX_MESSAGE_MB}, default 16 MiB)
 * @param webInterface      serve the browser UI at {@code /web} ({@code ENABLE_WEB_INTERFACE}, default off;
 *                          {@code openenv serve} turns it on)
 */
public record ServerConfig(
        String host,
        int port,
        int maxConcurrentEnvs,
        Duration idleTimeout,
        Duration pingInterval,
        Duration stepTimeout,
        ServerMode mode,
        int maxMessageBytes,
        boolean webInterface) {

    public static final int DEFAULT_PORT = 8000;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(mode, "mode");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (maxConcurrentEnvs < 1) {
            throw new IllegalArgumentException("max concurrent envs must be >= 1, got " + maxConcurrentEnvs);
        }
        if (idleTimeout.isNegative() || pingInterval.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
        if (stepTimeout != null && stepTimeout.isNegative()) {
            throw new IllegalArgumentException("step timeout must not be negative");
        }
        if (stepTimeout != null && stepTimeout.isZero()) {
            stepTimeout = null; // 0 means no budget, as for the other timeouts
        }
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("max message size must be at least 1 KiB");
        }
    }

    /** The defaults: 0.0.0.0:8000, one session, 600 s idle timeout, 20 s pings, no step timeout, no web UI. */
    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", DEFAULT_PORT, 1, Duration.ofSeconds(600), Duration.ofSeconds(20), null,
                ServerMode.SIMULATION, 16 * 1024 * 1024, false);
    }

    /** The defaults overridden by whichever variables are set in {@code env}. */
    public static ServerConfig fromEnvironment(Map<String, String> env) {
        ServerConfig d = defaults();
        return new ServerConfig(
                env.getOrDefault("HOST", d.host()),
                intVar(env, "PORT", d.port()),
                intVar(env, "MAX_CONCURRENT_ENVS", d.maxConcurrentEnvs()),
                seconds(env, "OPENENV_IDLE_TIMEOUT_S", d.idleTimeout()),
                seconds(env, "OPENENV_PING_INTERVAL_S", d.pingInterval()),
                env.containsKey("OPENENV_STEP_TIMEOUT_S") ? seconds(env, "OPENENV_STEP_TIMEOUT_S", null) : null,
                env.containsKey("OPENENV_MODE") ? ServerMode.parse(env.get("OPENENV_MODE")) : d.mode(),
                env.containsKey("OPENENV_MAX_MESSAGE_MB")
                        ? (int) Math.min(Integer.MAX_VALUE - 1, intVar(env, "OPENENV_MAX_MESSAGE_MB", 16) * 1024L * 1024L)
                        : d.maxMessageBytes(),
                env.containsKey("ENABLE_WEB_INTERFACE") ? isTrue(env.get("ENABLE_WEB_INTERFACE")) : d.webInterface());
    }

    /** Whether a value of {@code ENABLE_WEB_INTERFACE}-style flags means on ({@code true}, {@code 1}, {@code yes}). */
    public static boolean isTrue(String value) {
        return value != null && switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            default -> false;
        };
    }

    public ServerConfig withHost(String host) {
        return new ServerConfig(host, port, maxConcurrentEnvs, idleTimeout, pingInterval, stepTimeout, mode, maxMessageBytes, webInterface);
    }

    public ServerConfig withPort(int port) {
        return new ServerConfig(host, port, maxConcurrentEnvs, idleTimeout, pingInterval, stepTimeout, mode, maxMessageBytes, webInterface);
    }

    public ServerConfig withMaxConcurrentEnvs(int max) {
        return new ServerConfig(host, port, max, idleTimeout, pingInterval, stepTimeout, mode, maxMessageBytes, webInterface);
    }

    public ServerConfig withIdleTimeout(Duration timeout) {
        return new ServerConfig(host, port, maxConcurrentEnvs, timeout, pingInterval, stepTimeout, mode, maxMessageBytes, webInterface);
    }

    public ServerConfig withPingInterval(Duration interval) {
        return new ServerConfig(host, port, maxConcurrentEnvs, idleTimeout, interval, stepTimeout, mode, maxMessageBytes, webInterface);
    }

    public ServerConfig withStepTimeout(Duration timeout) {
        return new ServerConfig(host, port, maxConcurrentEnvs, idleTimeout, pingInterval, timeout, mode, maxMessageBytes, webInterface);
    }

    public ServerConfig withMode(ServerMode mode) {
        return new ServerConfig(host, port, maxConcurrentEnvs, idleTimeout, pingInterval, stepTimeout, mode, maxMessageBytes, webInterface);
    }

    public ServerConfig withMaxMessageBytes(int bytes) {
        return new ServerConfig(host, port, maxConcurrentEnvs, idleTimeout, pingInterval, stepTimeout, mode, bytes, webInterface);
    }

    public ServerConfig withWebInterface(boolean on) {
        return new ServerConfig(host, port, maxConcurrentEnvs, idleTimeout, pingInterval, stepTimeout, mode, maxMessageBytes, on);
    }

    private static int intVar(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'", e);
        }
    }

    private static Duration seconds(Map<String, String> env, String name, Duration fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            double s = Double.parseDouble(v.strip());
            if (s < 0 || Double.isNaN(s)) {
                throw new IllegalArgumentException(name + " must be >= 0, got '" + v + "'");
            }
            return Duration.ofNanos((long) (s * 1e9));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of seconds, got '" + v + "'", e);
        }
    }
}
