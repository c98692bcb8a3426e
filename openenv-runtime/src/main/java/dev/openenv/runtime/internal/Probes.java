package dev.openenv.runtime.internal;

import dev.openenv.runtime.ProviderStartException;
import dev.openenv.runtime.WaitTarget;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The ready checks behind {@link dev.openenv.runtime.Wait}. */
public final class Probes {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration ATTEMPT = Duration.ofSeconds(30);

    private Probes() {}

    /** A check that either passes or throws with a reason worth showing. */
    private interface Attempt {
        void run(HttpClient http, Duration budget) throws Exception;
    }

    public static void awaitReset(WaitTarget target, Duration timeout, Map<String, Object> arguments) {
        URI ws = webSocketUri(target.baseUrl());
        String frame = JSON.writeValueAsString(Map.of("type", "reset", "data", new LinkedHashMap<>(arguments)));
        poll(target, timeout, "a reset over " + ws, (http, budget) -> resetOnce(http, ws, frame, budget));
    }

    public static void awaitHttp(WaitTarget target, Duration timeout, String path) {
        URI uri = URI.create(stripSlash(target.baseUrl()) + path);
        poll(target, timeout, "GET " + uri, (http, budget) -> {
            var response = http.send(HttpRequest.newBuilder(uri).timeout(budget).GET().build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new IOException("answered " + response.statusCode());
            }
        });
    }

    private static void poll(WaitTarget target, Duration timeout, String what, Attempt attempt) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "not tried";
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            while (true) {
                var failure = target.failure();
                if (failure.isPresent()) {
                    throw new ProviderStartException("the server " + failure.get() + " before it was ready");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ProviderStartException("not ready within " + timeout.toMillis() + " ms: " + what
                            + " did not succeed; last problem: " + last);
                }
                try {
                    attempt.run(http, Duration.ofNanos(Math.min(left, ATTEMPT.toNanos())));
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ProviderStartException("interrupted while waiting for the server", e);
                } catch (Exception e) {
                    String problem = describe(e);
                    // An attempt cut short by the deadline says nothing new: keep the server's own answer.
                    if (!(problem.equals("timed out") && !last.equals("not tried") && deadline - System.nanoTime() <= 0)) {
                        last = problem;
                    }
                }
                Thread.sleep(POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderStartException("interrupted while waiting for the server", e);
        }
    }

    private static void resetOnce(HttpClient http, URI ws, String frame, Duration budget) throws Exception {
        var listener = new Listener();
        long nanos = budget.toNanos();
        WebSocket socket = http.newWebSocketBuilder().connectTimeout(budget).buildAsync(ws, listener)
                .get(nanos, TimeUnit.NANOSECONDS);
        try {
            socket.sendText(frame, true).get(nanos, TimeUnit.NANOSECONDS);
            JsonNode reply = JSON.readTree(listener.reply.get(nanos, TimeUnit.NANOSECONDS));
            // Leave the way a client does and wait for the server's close frame, whatever the answer:
            // the server ends the session (and frees its slot) before sending it, so the next attempt
            // or the client connecting next finds room even on a one-session server.
            leave(socket, listener);
            String type = reply.path("type").asString("");
            if (!type.equals("observation")) {
                JsonNode data = reply.path("data");
                throw new IOException("reset answered " + (type.equals("error")
                        ? data.path("code").asString("error") + ": " + data.path("message").asString("")
                        : reply.toString()));
            }
        } finally {
            socket.abort();
        }
    }

    private static void leave(WebSocket socket, Listener listener) {
        try {
            socket.sendText("{\"type\":\"close\"}", true).get(2, TimeUnit.SECONDS);
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
            listener.closed.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException ignored) {
            // A server that does not confirm is no less ready.
        }
    }

    private static final class Listener implements WebSocket.Listener {
        final CompletableFuture<String> reply = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                reply.complete(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            reply.completeExceptionally(new IOException("server closed the session (" + status + " " + reason + ")"));
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            reply.completeExceptionally(error);
            closed.complete(null);
        }
    }

    private static String describe(Throwable e) {
        while ((e instanceof ExecutionException || e instanceof java.util.concurrent.CompletionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof TimeoutException) {
            return "timed out";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String stripSlash(String url) {
        return url.replaceAll("/+$", "");
    }

    /** {@code ws(s)://host:port[/prefix]/ws} for an {@code http(s)://} base URL. */
    public static URI webSocketUri(String baseUrl) {
        String s = stripSlash(baseUrl);
        if (s.startsWith("https://")) {
            return URI.create("wss://" + s.substring(8) + "/ws");
        }
        if (s.startsWith("http://")) {
            return URI.create("ws://" + s.substring(7) + "/ws");
        }
        return URI.create(s + "/ws");
    }
}
