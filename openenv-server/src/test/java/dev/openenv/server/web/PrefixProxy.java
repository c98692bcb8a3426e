package dev.openenv.server.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A reverse proxy that mounts a server under a path prefix, as {@code location /prefix/ { proxy_pass
 * http://backend/; }} does in nginx: it strips the prefix from the request line and pipes bytes both
 * ways, so WebSocket upgrades pass through. One request per connection (it asks for {@code Connection:
 * close} unless the request is an upgrade).
 */
final class PrefixProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final String prefix;
    private final int backendPort;

    PrefixProxy(String prefix, int backendPort) throws IOException {
        this.prefix = prefix;
        this.backendPort = backendPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread.ofVirtual().start(() -> relay(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void relay(Socket client) {
        try (client; Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
            String head = readHead(client.getInputStream());
            if (head == null) {
                return;
            }
            String[] lines = head.split("\r\n", -1);
            String[] requestLine = lines[0].split(" ");
            if (!requestLine[1].startsWith(prefix + "/")) {
                client.getOutputStream().write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            boolean upgrade = head.toLowerCase().contains("\r\nupgrade: websocket");
            var rewritten = new StringBuilder(requestLine[0] + " " + requestLine[1].substring(prefix.length()) + " " + requestLine[2] + "\r\n");
            for (int i = 1; i < lines.length; i++) {
                if (lines[i].isEmpty()) {
                    continue;
                }
                if (!upgrade && lines[i].toLowerCase().startsWith("connection:")) {
                    continue;
                }
                rewritten.append(lines[i]).append("\r\n");
            }
            if (!upgrade) {
                rewritten.append("Connection: close\r\n");
            }
            rewritten.append("\r\n");
            backend.getOutputStream().write(rewritten.toString().getBytes(StandardCharsets.ISO_8859_1));
            Thread up = Thread.ofVirtual().start(() -> pipe(client, backend));
            pipe(backend, client);
            up.join(1000);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the browser or the backend went away: nothing to clean beyond the sockets
        }
    }

    /** Reads up to the blank line ending a request head (bodies of GETs are empty here). */
    private static String readHead(InputStream in) throws IOException {
        var buf = new ByteArrayOutputStream();
        int state = 0;
        int b;
        while ((b = in.read()) != -1) {
            buf.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return buf.toString(StandardCharsets.ISO_8859_1);
            }
            if (buf.size() > 64 * 1024) {
                return null;
            }
        }
        return null;
    }

    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            in.transferTo(out);
            to.shutdownOutput();
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
