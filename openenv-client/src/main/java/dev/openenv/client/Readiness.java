package dev.openenv.client;

import dev.openenv.client.internal.ClientCore;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Waits for a server to come up, the way the reference's providers do: {@code GET /health} until 200. */
public final class Readiness {
    private Readiness() {}

    /**
     * Polls {@code GET <baseUrl>/health} every 200 ms until it answers 200.
     *
     * @throws ConnectException when {@code timeout} passes first (with the last failure as cause)
     */
    public static void awaitHealthy(String baseUrl, Duration timeout) {
        var uri = ClientCore.httpBase(baseUrl).resolve("/health");
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            while (true) {
                try {
                    var response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                        return;
                    }
                    last = new IOException("GET /health answered " + response.statusCode());
                } catch (IOException e) {
                    last = e;
                }
                if (System.nanoTime() > deadline) {
                    throw new ConnectException("Server at " + baseUrl + " not healthy within " + timeout, last);
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while waiting for " + baseUrl, e);
        }
    }
}
