package dev.openenv.runtime.internal;

import dev.openenv.client.ClientOptions;
import dev.openenv.client.GenericEnvClient;
import dev.openenv.client.ServerErrorException;
import dev.openenv.runtime.ProviderStartException;
import dev.openenv.runtime.WaitTarget;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** The ready checks behind {@link dev.openenv.runtime.Wait}. */
public final class Probes {
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration ATTEMPT = Duration.ofSeconds(30);

    private Probes() {}

    /** A check that either passes or throws with a reason worth showing. */
    private interface Attempt {
        void run(HttpClient http, Duration budget) throws Exception;
    }

    public static void awaitReset(WaitTarget target, Duration timeout, Map<String, Object> arguments) {
        poll(target, timeout, "a reset on " + stripSlash(target.baseUrl()) + "/ws", (http, budget) -> resetOnce(target.baseUrl(), arguments, budget));
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
                    String problem = e instanceof ProviderStartException p ? p.getMessage() : describe(e);
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

    /**
     * One real session with the client: connect, reset, leave. The client's close waits for the server's
     * close frame, and the server ends the session (freeing its slot) before sending it, so the client
     * connecting next finds room even on a one-session server.
     */
    private static void resetOnce(String baseUrl, Map<String, Object> arguments, Duration budget) {
        var options = ClientOptions.defaults().withConnectTimeout(budget).withReplyTimeout(budget);
        try (var client = GenericEnvClient.connect(baseUrl, options)) {
            client.reset(arguments);
        } catch (ServerErrorException e) {
            throw new ProviderStartException("reset answered " + e.rawCode() + ": " + e.serverMessage());
        }
    }

    private static String describe(Throwable e) {
        while ((e instanceof ExecutionException || e instanceof java.util.concurrent.CompletionException) && e.getCause() != null) {
            e = e.getCause();
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof TimeoutException || c instanceof java.net.http.HttpTimeoutException) {
                return "timed out";
            }
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String stripSlash(String url) {
        return url.replaceAll("/+$", "");
    }
}
