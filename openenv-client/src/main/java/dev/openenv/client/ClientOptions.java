package dev.openenv.client;

import java.time.Duration;
import javax.net.ssl.SSLContext;
import java.util.Map;
import java.util.Objects;

/**
 * How a client connects.
 *
 * @param transport      WebSocket (the default, one stateful session per client), the same over the JDK's own
 *                       WebSocket client, or HTTP
 * @param connectTimeout how long opening the connection may take (default 10 s, as the reference)
 * @param replyTimeout   how long one reply may take (default 60 s); on expiry the session is dropped
 * @param headers        extra headers sent when connecting (e.g. authorization)
 * @param sslContext     the TLS context for {@code https://} and {@code wss://} servers (e.g. one trusting a private
 *                       CA); {@code null}, the default, is the JVM's ({@code javax.net.ssl.trustStore} et al.)
 */
public record ClientOptions(Transport transport, Duration connectTimeout, Duration replyTimeout, Map<String, String> headers,
                            SSLContext sslContext) {
    /** Which wire a client speaks. */
    public enum Transport {
        /** The {@code /ws} session with Netty's codec, read and written on the calling threads: the default, the least CPU per step. */
        WEBSOCKET,
        /** The {@code /ws} session over the JDK's {@code java.net.http.WebSocket}: no Netty, about twice the CPU per step. */
        WEBSOCKET_JDK,
        /** The HTTP routes ({@code /reset}, {@code /step}, {@code /state}), for servers that speak only HTTP. */
        HTTP
    }

    public ClientOptions {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(replyTimeout, "replyTimeout");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** Options with the JVM's TLS context. */
    public ClientOptions(Transport transport, Duration connectTimeout, Duration replyTimeout, Map<String, String> headers) {
        this(transport, connectTimeout, replyTimeout, headers, null);
    }

    public static ClientOptions defaults() {
        return new ClientOptions(Transport.WEBSOCKET, Duration.ofSeconds(10), Duration.ofSeconds(60), Map.of(), null);
    }

    public ClientOptions withTransport(Transport transport) {
        return new ClientOptions(transport, connectTimeout, replyTimeout, headers, sslContext);
    }

    public ClientOptions withConnectTimeout(Duration timeout) {
        return new ClientOptions(transport, timeout, replyTimeout, headers, sslContext);
    }

    public ClientOptions withReplyTimeout(Duration timeout) {
        return new ClientOptions(transport, connectTimeout, timeout, headers, sslContext);
    }

    public ClientOptions withHeaders(Map<String, String> headers) {
        return new ClientOptions(transport, connectTimeout, replyTimeout, headers, sslContext);
    }

    /** These options with {@code context} for TLS ({@code null}: the JVM's). */
    public ClientOptions withSslContext(SSLContext context) {
        return new ClientOptions(transport, connectTimeout, replyTimeout, headers, context);
    }
}
