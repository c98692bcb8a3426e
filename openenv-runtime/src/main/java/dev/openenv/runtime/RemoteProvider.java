package dev.openenv.runtime;

import dev.openenv.client.EnvProvider;
import dev.openenv.runtime.internal.Lifecycle;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A server that is already running somewhere, e.g. a Hugging Face Space: nothing is started or
 * stopped, {@code start()} only waits until it answers (a sleeping Space wakes up meanwhile).
 * Cleartext ({@code http://}, {@code ws://}) is accepted only for loopback addresses unless
 * {@link #allowingCleartext()} says otherwise: actions, observations and headers (tokens) would
 * cross the network readable by anyone on the path.
 *
 * <pre>{@code
 * EnvClient.start(RemoteProvider.of("https://openenv-echo-env.hf.space"), echoType)
 * }</pre>
 *
 * @param baseUrl          {@code https://…}, {@code wss://…}, or cleartext as above
 * @param allowCleartext   accept {@code http://}/{@code ws://} to any host
 * @param startup          timeout and wait strategy
 */
public record RemoteProvider(String baseUrl, boolean allowCleartext, StartupOptions startup) implements EnvProvider {
    public RemoteProvider {
        Objects.requireNonNull(baseUrl, "baseUrl");
        startup = startup == null ? StartupOptions.defaults() : startup;
        baseUrl = normalize(baseUrl, allowCleartext);
    }

    public static RemoteProvider of(String baseUrl) {
        return new RemoteProvider(baseUrl, false, null);
    }

    /** This provider accepting cleartext to non-loopback hosts (a trusted private network only). */
    public RemoteProvider allowingCleartext() {
        return new RemoteProvider(baseUrl, true, startup);
    }

    public RemoteProvider withStartup(StartupOptions startup) {
        return new RemoteProvider(baseUrl, allowCleartext, startup);
    }

    @Override
    public StartedEnv start() {
        return Lifecycle.start(startup, () -> new Lifecycle.Launched() {
            public String baseUrl() {
                return baseUrl;
            }

            public String description() {
                return "remote server " + baseUrl;
            }

            public Optional<String> failure() {
                return Optional.empty();
            }

            public String logs() {
                return "";
            }

            public void stop() {
                // not ours to stop
            }
        });
    }

    private static String normalize(String url, boolean allowCleartext) {
        URI uri = URI.create(url.strip().replaceAll("/+$", ""));
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("not an absolute http(s)/ws(s) URL: " + url);
        }
        String rest = uri.toString().substring(uri.getScheme().length());
        switch (scheme) {
            case "https", "wss" -> {
                return "https" + rest;
            }
            case "http", "ws" -> {
                if (!allowCleartext && !isLoopback(uri.getHost())) {
                    throw new IllegalArgumentException("refusing cleartext " + scheme + ":// to " + uri.getHost()
                            + " (not a loopback address): use https/wss, or allowingCleartext() on a trusted network");
                }
                return "http" + rest;
            }
            default -> throw new IllegalArgumentException("unsupported scheme in " + url + " (http, https, ws, wss)");
        }
    }

    private static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        // Only literal addresses: resolving a name here would trust whatever DNS answers.
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
