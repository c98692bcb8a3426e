package dev.openenv.bench.latency;

import dev.openenv.client.McpToolClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Sequential tool-call round trips against an MCP environment: {@code echo_message} over the
 * WebSocket step path (McpToolClient) and over {@code POST /mcp} JSON-RPC (one keep-alive connection).
 *
 * <pre>java -cp openenv-bench.jar dev.openenv.bench.McpLatency http://127.0.0.1:8000 [calls=10000] [warmup=2000]</pre>
 */
public final class McpLatency {
    private McpLatency() {}

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:8000";
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        long[] ws = new long[calls];
        try (var tools = McpToolClient.connect(url)) {
            tools.reset();
            Map<String, Object> arguments = Map.of("message", "Hello");
            for (int i = 0; i < warmup; i++) {
                tools.call("echo_message", arguments);
            }
            for (int i = 0; i < calls; i++) {
                long t = System.nanoTime();
                tools.call("echo_message", arguments);
                ws[i] = System.nanoTime() - t;
            }
        }
        report(url + " mcp-step-ws", ws);
        long[] http = new long[calls];
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            var request = HttpRequest.newBuilder(URI.create(url + "/mcp")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                            + "\"params\":{\"name\":\"echo_message\",\"arguments\":{\"message\":\"Hello\"}}}")).build();
            for (int i = 0; i < warmup + calls; i++) {
                long t = System.nanoTime();
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200 || !r.body().contains("\"data\":\"Hello\"")) {
                    throw new IllegalStateException("unexpected reply: " + r.body());
                }
                if (i >= warmup) {
                    http[i - warmup] = System.nanoTime() - t;
                }
            }
        }
        report(url + " mcp-jsonrpc-http", http);
    }

    static void report(String what, long[] nanos) {
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%s calls=%d p50=%.0fus p99=%.0fus max=%.0fus%n", what, nanos.length,
                nanos[nanos.length / 2] / 1e3, nanos[(int) Math.ceil(nanos.length * 0.99) - 1] / 1e3, nanos[nanos.length - 1] / 1e3);
    }
}
