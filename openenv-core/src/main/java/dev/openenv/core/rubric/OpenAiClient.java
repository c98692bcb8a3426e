package dev.openenv.core.rubric;

import dev.openenv.core.json.WireCodec;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An {@link LlmClient} for any OpenAI-compatible chat-completions API (OpenAI, vLLM, TGI, Ollama, Hugging
 * Face inference endpoints), over the JDK's {@link HttpClient}; the reference's {@code OpenAIClient}.
 *
 * <p>Each {@link #complete} is one {@code POST <base>/chat/completions} with {@code model}, the messages (an
 * optional system prompt, then the prompt as the user message), {@code max_tokens} (or
 * {@code max_completion_tokens}) and {@code temperature}, authorised with {@code Bearer <api key>}; the reply
 * is {@code choices[0].message.content}, or {@code ""} when that is null. The base is the endpoint with
 * {@code /v1} appended when it has no path, as the reference does. No retries: a failure is an
 * {@link LlmException}. Immutable and thread-safe.
 *
 * <pre>{@code
 * LlmClient model = OpenAiClient.builder(URI.create("http://localhost:8000"), "Qwen/Qwen3-0.6B").build();
 * }</pre>
 */
public final class OpenAiClient implements LlmClient {
    private final URI completions;
    private final String model;
    private final String apiKey;
    private final String systemPrompt;
    private final double temperature;
    private final int maxTokens;
    private final boolean useMaxCompletionTokens;
    private final Duration timeout;
    private final HttpClient http;

    private OpenAiClient(Builder b) {
        this.completions = URI.create(baseUrl(b.endpoint) + "/chat/completions");
        this.model = b.model;
        this.apiKey = b.apiKey;
        this.systemPrompt = b.systemPrompt;
        this.temperature = b.temperature;
        this.maxTokens = b.maxTokens;
        this.useMaxCompletionTokens = b.useMaxCompletionTokens;
        this.timeout = b.timeout;
        this.http = HttpClient.newBuilder().connectTimeout(b.timeout).build();
    }

    /** A builder for {@code model} at {@code endpoint} (e.g. {@code http://localhost:8000} or {@code …/v1}). */
    public static Builder builder(URI endpoint, String model) {
        return new Builder(endpoint, model);
    }

    /**
     * The API base: http or https with a host, no credentials, query or fragment; a trailing slash dropped
     * and {@code /v1} appended when there is no path.
     */
    static String baseUrl(URI endpoint) {
        String scheme = endpoint.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("Invalid endpoint URL: expected an http:// or https:// URL");
        }
        if (endpoint.getHost() == null) {
            throw new IllegalArgumentException("Invalid endpoint URL: missing host");
        }
        if (endpoint.getRawUserInfo() != null) {
            throw new IllegalArgumentException("Invalid endpoint URL: credentials in the URL are not supported, use apiKey");
        }
        if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
            throw new IllegalArgumentException("Invalid endpoint URL: query strings and fragments are not supported");
        }
        String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        if (path.isEmpty() || path.equals("/")) {
            path = "/v1";
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        try {
            return new URI(scheme, null, endpoint.getHost(), endpoint.getPort(), null, null, null) + path;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Invalid endpoint URL: " + e.getMessage(), e);
        }
    }

    /** The chat-completions URL requests go to. */
    public URI completionsUri() {
        return completions;
    }

    @Override
    public String complete(String prompt) {
        WireCodec codec = WireCodec.standard();
        ObjectNode body = codec.mapper().createObjectNode();
        body.put("model", model);
        var messages = body.putArray("messages");
        if (systemPrompt != null && !systemPrompt.isEmpty()) {
            messages.addObject().put("role", "system").put("content", systemPrompt);
        }
        messages.addObject().put("role", "user").put("content", prompt);
        body.put(useMaxCompletionTokens ? "max_completion_tokens" : "max_tokens", maxTokens);
        if (!useMaxCompletionTokens) {
            body.put("temperature", temperature);
        }
        HttpRequest request = HttpRequest.newBuilder(completions)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(codec.write(body), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LlmException("chat completion request to " + completions + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException("interrupted while waiting for " + completions, e);
        }
        if (response.statusCode() / 100 != 2) {
            String text = response.body();
            throw new LlmException("chat completion at " + completions + " answered " + response.statusCode() + ": "
                    + (text.length() > 500 ? text.substring(0, 500) + "…" : text));
        }
        JsonNode reply;
        try {
            reply = codec.parse(response.body());
        } catch (RuntimeException e) {
            throw new LlmException("chat completion at " + completions + " answered with malformed JSON", e);
        }
        JsonNode choice = reply.path("choices").path(0);
        if (choice.isMissingNode()) {
            throw new LlmException("chat completion at " + completions + " answered without choices");
        }
        JsonNode content = choice.path("message").path("content");
        return content.isString() ? content.asString() : "";
    }

    /** Settings for an {@link OpenAiClient}; defaults as the reference's. */
    public static final class Builder {
        private final URI endpoint;
        private final String model;
        private String apiKey = "not-needed";
        private String systemPrompt;
        private double temperature = 0.0;
        private int maxTokens = 256;
        private boolean useMaxCompletionTokens;
        private Duration timeout = Duration.ofSeconds(60);

        private Builder(URI endpoint, String model) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            this.model = Objects.requireNonNull(model, "model");
        }

        /** The bearer token; {@code "not-needed"} by default, for local servers. */
        public Builder apiKey(String key) {
            this.apiKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /** A system message sent before every prompt; none by default. */
        public Builder systemPrompt(String prompt) {
            this.systemPrompt = prompt;
            return this;
        }

        /** Sampling temperature; {@code 0.0} by default. */
        public Builder temperature(double value) {
            this.temperature = value;
            return this;
        }

        /** Most tokens in a reply; 256 by default. */
        public Builder maxTokens(int value) {
            this.maxTokens = value;
            return this;
        }

        /**
         * Send {@code max_completion_tokens} and no temperature, as newer OpenAI models (o1, o3, gpt-5-mini)
         * require; self-hosted servers usually do not accept it. Off by default.
         */
        public Builder useMaxCompletionTokens(boolean value) {
            this.useMaxCompletionTokens = value;
            return this;
        }

        /** Connect and whole-request timeout; 60 s by default. */
        public Builder timeout(Duration value) {
            this.timeout = Objects.requireNonNull(value, "value");
            return this;
        }

        /**
         * The client.
         *
         * @throws IllegalArgumentException if the endpoint is not an http(s) URL with a host and nothing else
         */
        public OpenAiClient build() {
            return new OpenAiClient(this);
        }
    }
}
