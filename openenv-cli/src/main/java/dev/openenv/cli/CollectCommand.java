package dev.openenv.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.openenv.client.GenericEnvClient;
import dev.openenv.core.StepResult;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.rubric.LlmClient;
import dev.openenv.core.rubric.OpenAiClient;
import dev.openenv.envs.BundledEnvironments;
import dev.openenv.server.EnvServer;
import dev.openenv.server.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code openenv collect ENV}: plays episodes with a policy against any OpenEnv server (a URL, or a
 * bundled environment started in-process) and writes them in 0.10's {@code openenv collect} layout:
 * {@code results.jsonl} (one episode per line: {@code episode_id}, TRL-style {@code messages},
 * {@code reward}, {@code done}, {@code tool_trace}, {@code metrics}, …) and {@code metadata.json}, which
 * TRL's SFT trainer and {@code datasets.load_dataset("json", …)} read as they are.
 *
 * <p>Policies: {@code random} (a legal action when the observation lists {@code legal_actions}, else
 * values drawn from the action schema), {@code scripted} (the first legal action, else the schema's
 * defaults), {@code http-llm} (an OpenAI-compatible chat endpoint, {@code --llm-url}, answers each
 * observation with an action as JSON).
 */
@Parameters(commandDescription = "Play episodes with a policy and write them as a dataset (0.10's collect layout).")
final class CollectCommand {
    @Parameter(description = "ENV: a server URL (http://…) or a bundled environment name", required = true)
    List<String> target = new ArrayList<>();

    @Parameter(names = "--episodes", description = "How many episodes to collect.")
    int episodes = 10;

    @Parameter(names = "--policy", description = "random, scripted or http-llm.")
    String policy = "random";

    @Parameter(names = {"-o", "--output"}, description = "Output directory (results.jsonl, metadata.json).")
    Path output = Path.of("rollouts");

    @Parameter(names = "--max-steps", description = "Steps per episode before it is cut off.")
    int maxSteps = 200;

    @Parameter(names = "--seed", description = "Seed of the first episode (each next episode adds 1) and of the random policy.")
    long seed = 0;

    @Parameter(names = "--llm-url", description = "http-llm: the OpenAI-compatible endpoint (…/v1).")
    String llmUrl;

    @Parameter(names = "--model", description = "http-llm: the model name.")
    String model = "default";

    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help.")
    boolean help;

    static final String SYSTEM_PROMPT = "You are acting in an OpenEnv environment. Each user message is the observation as JSON;"
            + " answer with the next action as one JSON object that fits the action schema, and nothing else.";

    private final WireCodec codec = WireCodec.standard();

    int call() {
        if (target.size() != 1) {
            System.err.println("openenv collect: give one ENV (a URL or a bundled environment name)");
            return 2;
        }
        if (!List.of("random", "scripted", "http-llm").contains(policy)) {
            System.err.println("openenv collect: --policy must be random, scripted or http-llm, got '" + policy + "'");
            return 2;
        }
        if (policy.equals("http-llm") && llmUrl == null) {
            System.err.println("openenv collect: --policy http-llm needs --llm-url");
            return 2;
        }
        if (episodes < 1 || maxSteps < 1) {
            System.err.println("openenv collect: --episodes and --max-steps must be at least 1");
            return 2;
        }
        String name = target.get(0);
        EnvServer local = null;
        String url = name;
        if (!name.startsWith("http://") && !name.startsWith("https://")) {
            var entry = BundledEnvironments.find(name);
            if (entry.isEmpty()) {
                System.err.println("openenv collect: '" + name + "' is neither a URL nor a bundled environment (see 'openenv list')");
                return 2;
            }
            local = serve(entry.get(), ServerConfig.fromEnvironment(Map.of()).withHost("127.0.0.1").withPort(0).withMaxConcurrentEnvs(4));
            url = local.baseUrl();
        }
        try {
            return collect(name, url);
        } catch (IOException e) {
            System.err.println("openenv collect: " + e.getMessage());
            return 1;
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static EnvServer serve(BundledEnvironments.Entry<?, ?, ?> entry, ServerConfig config) {
        BundledEnvironments.Entry raw = entry;
        return EnvServer.builder((java.util.function.Supplier) raw.factory()).types(raw.type()).config(config).start();
    }

    private int collect(String name, String url) throws IOException {
        JsonNode schema = codec.parse(get(url + "/schema")).path("action");
        Policy chooser = switch (policy) {
            case "scripted" -> new SchemaPolicy(schema, null);
            case "http-llm" -> new LlmPolicy(OpenAiClient.builder(URI.create(llmUrl), model).systemPrompt(SYSTEM_PROMPT).build(), codec);
            default -> new SchemaPolicy(schema, new Random(seed));
        };
        Files.createDirectories(output);
        Path results = output.resolve("results.jsonl");
        Files.deleteIfExists(results);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("env", name);
        metadata.put("env_base_url", url);
        metadata.put("provider", policy.equals("http-llm") ? "openai-compatible" : policy);
        metadata.put("model", policy.equals("http-llm") ? model : null);
        metadata.put("llm_endpoint", llmUrl);
        metadata.put("num_episodes_requested", episodes);
        metadata.put("max_steps", maxSteps);
        metadata.put("seed", seed);
        metadata.put("collector", Main.VERSION);
        Files.writeString(output.resolve("metadata.json"), codec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(metadata));

        double total = 0;
        int completed = 0;
        try (var client = GenericEnvClient.connect(url)) {
            for (int i = 0; i < episodes; i++) {
                ObjectNode record = episode(client, chooser, seed + i, i);
                total += record.path("reward").asDouble();
                completed += record.path("done").asBoolean() ? 1 : 0;
                Files.write(results, (codec.write(record) + "\n").getBytes(StandardCharsets.UTF_8),
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
        System.out.printf("collected %d episode(s) of '%s' into %s: avg_reward=%.3f, finished=%d%n",
                episodes, name, output.toAbsolutePath(), total / episodes, completed);
        return 0;
    }

    /** One episode as 0.10's EpisodeRecord. */
    private ObjectNode episode(GenericEnvClient client, Policy chooser, long episodeSeed, int index) {
        StepResult<Map<String, Object>> current = client.reset(dev.openenv.core.ResetRequest.seeded(episodeSeed));
        List<Map<String, Object>> messages = new ArrayList<>();
        messages.add(Map.of("role", "system", "content", SYSTEM_PROMPT));
        messages.add(Map.of("role", "user", "content", codec.write(codec.toTree(current.observation()))));
        List<Map<String, Object>> trace = new ArrayList<>();
        double reward = 0;
        int steps = 0;
        while (!current.done() && steps < maxSteps) {
            Map<String, Object> action = chooser.next(current.observation(), messages);
            messages.add(Map.of("role", "assistant", "content", codec.write(codec.toTree(action))));
            current = client.step(action);
            steps++;
            reward += current.reward() == null ? 0 : current.reward();
            messages.add(Map.of("role", "user", "content", codec.write(codec.toTree(current.observation()))
                    + (current.reward() == null ? "" : "\nreward: " + current.reward())));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("data", codec.write(codec.toTree(current.observation())));
            result.put("done", current.done());
            result.put("reward", current.reward() == null ? 0.0 : current.reward());
            result.put("error", null);
            trace.add(Map.of("tool_name", "step", "arguments", codec.write(codec.toTree(action)), "result", result));
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("episode_id", String.format("ep-%06d", index));
        record.put("messages", messages);
        record.put("reward", reward);
        record.put("done", current.done());
        record.put("tool_trace", trace);
        record.put("metrics", Map.of("steps", steps, "return", reward, "truncated", !current.done()));
        record.put("verify_metrics", Map.of());
        record.put("artifacts", Map.of());
        record.put("task", null);
        record.put("extra", Map.of("seed", episodeSeed, "policy", policy));
        return codec.object(record);
    }

    private static String get(String url) throws IOException {
        try {
            var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("GET " + url + ": HTTP " + response.statusCode());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IllegalArgumentException e) {
            throw new IOException("not a URL: " + url, e);
        }
    }

    /** Chooses the next action from the current observation (and the conversation so far). */
    interface Policy {
        Map<String, Object> next(Map<String, Object> observation, List<Map<String, Object>> messages);
    }

    /**
     * Actions from the schema: a legal action when the observation lists {@code legal_actions} (put in the
     * one required property), else each required property drawn from its schema (enum, bounds, type).
     * Without a random source it is the scripted policy: the first legal action, defaults, minimums.
     */
    record SchemaPolicy(JsonNode schema, Random random) implements Policy {
        @Override
        public Map<String, Object> next(Map<String, Object> observation, List<Map<String, Object>> messages) {
            Map<String, Object> action = new LinkedHashMap<>();
            List<String> required = new ArrayList<>();
            schema.path("required").forEach(r -> required.add(r.asString()));
            if (required.isEmpty()) {
                schema.path("properties").propertyNames().forEach(p -> {
                    if (!p.equals("metadata")) {
                        required.add(p);
                    }
                });
            }
            Object legal = observation.get("legal_actions");
            if (legal instanceof List<?> moves && !moves.isEmpty() && required.size() == 1) {
                action.put(required.get(0), random == null ? moves.get(0) : moves.get(random.nextInt(moves.size())));
                return action;
            }
            for (String name : required) {
                action.put(name, value(schema.path("properties").path(name)));
            }
            return action;
        }

        private Object value(JsonNode property) {
            if (property.has("default") && random == null) {
                return WireCodec.standard().toPlain(property.get("default"));
            }
            JsonNode choices = property.path("enum");
            if (choices.isArray() && !choices.isEmpty()) {
                return WireCodec.standard().toPlain(choices.get(random == null ? 0 : random.nextInt(choices.size())));
            }
            String type = property.path("type").asString("string");
            long lo = property.path("minimum").asLong(0);
            long hi = property.path("maximum").asLong(lo + 9);
            return switch (type) {
                case "integer" -> random == null ? lo : lo + (long) random.nextInt((int) Math.max(1, hi - lo + 1));
                case "number" -> random == null ? (double) lo : lo + random.nextDouble() * (hi - lo);
                case "boolean" -> random != null && random.nextBoolean();
                default -> random == null ? "" : randomWord();
            };
        }

        private String randomWord() {
            var sb = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                sb.append((char) ('a' + random.nextInt(26)));
            }
            return sb.toString();
        }
    }

    /** Asks an OpenAI-compatible model for each action; the conversation so far is the prompt. */
    record LlmPolicy(LlmClient model, WireCodec codec) implements Policy {
        @Override
        @SuppressWarnings("unchecked")
        public Map<String, Object> next(Map<String, Object> observation, List<Map<String, Object>> messages) {
            var prompt = new StringBuilder();
            for (var m : messages.subList(1, messages.size())) {
                prompt.append(m.get("role")).append(": ").append(m.get("content")).append('\n');
            }
            String reply = model.complete(prompt.toString()).strip();
            int start = reply.indexOf('{');
            int end = reply.lastIndexOf('}');
            if (start < 0 || end < start) {
                throw new IllegalStateException("the model's reply holds no JSON object: " + reply);
            }
            Object action = codec.toPlain(codec.parse(reply.substring(start, end + 1)));
            return (Map<String, Object>) action;
        }
    }
}
