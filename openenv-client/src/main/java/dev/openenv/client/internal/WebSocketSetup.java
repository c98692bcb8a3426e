package dev.openenv.client.internal;

import dev.openenv.client.ClientOptions;
import dev.openenv.client.ConnectException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import javax.net.ssl.SSLContext;

/**
 * What {@link NettyWebSocketWire} is built from: the server's address, the connected socket, the Netty
 * pipeline that speaks the protocol, and the shared idle poller. Connection setup runs once per session
 * and is kept out of the wire's class, which is about the per-message path.
 */
final class WebSocketSetup {
    /** Largest message accepted from a server (after reassembly of fragments). */
    static final int MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

    private WebSocketSetup() {
    }

    /** Where to connect: {@code ws} or {@code wss}, host and port (the scheme's default when the URL has none). */
    record Endpoint(URI uri, boolean tls, String host, int port) {
        static Endpoint of(URI uri) {
            boolean tls = "wss".equalsIgnoreCase(uri.getScheme());
            String host = uri.getHost();
            if (host == null) {
                throw new ConnectException("Failed to connect to " + uri + ": no host name in the URL", null);
            }
            return new Endpoint(uri, tls, host, uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80);
        }
    }

    /** The thread that looks at idle sockets (pings, the server's close) and ends reads past their deadline. */
    static final class Idle {
        static final ScheduledThreadPoolExecutor POLLER = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "openenv-client-idle");
            t.setDaemon(true);
            return t;
        });

        static {
            POLLER.setRemoveOnCancelPolicy(true);
        }

        private Idle() {
        }
    }

    /** A connected socket and its two streams. */
    record Connected(Socket socket, InputStream in, OutputStream out) {
    }

    /** A plain blocking socket with Nagle off, connected within the options' connect timeout. */
    static Connected open(Endpoint to, ClientOptions options) {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(to.host(), to.port()), (int) Math.max(1, Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis())));
            return new Connected(s, s.getInputStream(), s.getOutputStream());
        } catch (IOException e) {
            SocketWriter.closeQuietly(s);
            throw new ConnectException("Failed to connect to " + to.uri() + ": " + e, e);
        }
    }

    /** The pipeline, TLS first when {@code wss}, ending in {@code frames}. */
    static ChannelHandler[] handlers(Endpoint to, ClientOptions options, InboundFrames frames) {
        HttpHeaders headers = new DefaultHttpHeaders();
        options.headers().forEach(headers::add);
        var config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(to.uri())
                .version(WebSocketVersion.V13)
                .customHeaders(headers)
                .maxFramePayloadLength(MAX_MESSAGE_BYTES)
                .handleCloseFrames(false) // answered by InboundFrames, keeping the server's code and reason
                .dropPongFrames(true)
                .withUTF8Validator(false) // Jackson rejects invalid UTF-8 when it parses the message: no second pass
                .handshakeTimeoutMillis(Math.max(1, options.connectTimeout().toMillis()))
                .build();
        List<ChannelHandler> handlers = new ArrayList<>();
        if (to.tls()) {
            handlers.add(sslContext(options).newHandler(ByteBufAllocator.DEFAULT, to.host(), to.port()));
        }
        handlers.addAll(List.of(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(MAX_MESSAGE_BYTES), frames));
        return handlers.toArray(ChannelHandler[]::new);
    }

    private static JdkSslContext sslContext(ClientOptions options) {
        try {
            // The options' context, else the JVM's default trust (javax.net.ssl.trustStore et al.), as the JDK transport uses.
            SSLContext context = options.sslContext() != null ? options.sslContext() : SSLContext.getDefault();
            return new JdkSslContext(context, true, ClientAuth.NONE);
        } catch (NoSuchAlgorithmException e) {
            throw new ConnectException("No TLS available in this JVM: " + e.getMessage(), e);
        }
    }
}
