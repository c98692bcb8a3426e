package dev.openenv.server.session;

import dev.openenv.core.Action;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.Rendering;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import dev.openenv.core.TimeBudget;
import dev.openenv.core.json.ActionValidationException;
import dev.openenv.core.json.ValidationError;
import dev.openenv.core.json.WireCodec;
import dev.openenv.server.metrics.ServerMetrics;
import dev.openenv.server.recording.Recorder;
import dev.openenv.core.mcp.McpAction;
import dev.openenv.core.mcp.McpActions;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls an environment with wire values: decodes the action, applies the step's time budget, encodes
 * the result, and adds the episode's {@linkplain Rendering rendering} when its reset asked for one (reset
 * option {@code "render"}, consumed here: the environment never sees it). The environment is handed in
 * by {@link Session#call}, inside its strand; the only thing kept per environment is its render format.
 */
public final class EnvironmentRunner {
    private static final String RENDER = "render";

    private final EnvironmentType<?, ?, ?> type;
    private final WireCodec codec;
    /** The format each rendering environment's current episode asked for (weak: gone with the environment). */
    private final Map<Environment<?, ?, ?>, Rendering.Format> rendering = Collections.synchronizedMap(new WeakHashMap<>());

    private final Recorder recorder; // null unless episodes are recorded
    private final ServerMetrics metrics;

    public EnvironmentRunner(EnvironmentType<?, ?, ?> type, WireCodec codec) {
        this(type, codec, null, new ServerMetrics(() -> 0)); // counted, never published
    }

    /**
     * A runner that also hands every reset and step to {@code recorder} (null: none) and times them in
     * {@code metrics}.
     */
    public EnvironmentRunner(EnvironmentType<?, ?, ?> type, WireCodec codec, Recorder recorder, ServerMetrics metrics) {
        this.type = type;
        this.codec = codec;
        this.recorder = recorder;
        this.metrics = metrics;
    }

    public EnvironmentType<?, ?, ?> type() {
        return type;
    }

    /** Decodes an action for this environment. */
    public Action decodeAction(JsonNode json) {
        if (type.actionType() == McpAction.class) {
            return McpActions.decode(json, codec);
        }
        return codec.decode(json, type.actionType());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public ObjectNode reset(String sessionId, Environment env, ResetRequest request) {
        Rendering.Format format = null;
        if (request.options().containsKey(RENDER)) {
            format = renderFormat(env, request.options().get(RENDER));
            var options = new LinkedHashMap<>(request.options());
            options.remove(RENDER);
            request = request.withOptions(options);
        }
        long started = System.nanoTime();
        StepResult<?> result = env.reset(request);
        long took = System.nanoTime() - started;
        if (format == null) {
            rendering.remove(env);
        } else {
            rendering.put(env, format);
        }
        ObjectNode envelope = codec.envelope(rendered(env, result));
        if (recorder != null) {
            String episodeId = request.episodeId() != null ? request.episodeId() : codec.toTree(env.state()).path("episode_id").asString(null);
            recorder.reset(sessionId, env, episodeId, request, envelope, took);
        }
        metrics.resetTook(System.nanoTime() - started);
        return envelope;
    }

    /** The format a reset's {@code render} option asks for: a format name, or {@code true} for the environment's first. */
    private static Rendering.Format renderFormat(Environment<?, ?, ?> env, Object asked) {
        List<Rendering.Format> offered = env.renderFormats();
        if (asked == null || Boolean.FALSE.equals(asked)) {
            return null;
        }
        Rendering.Format format = Boolean.TRUE.equals(asked) ? (offered.isEmpty() ? null : offered.get(0))
                : asked instanceof String name ? Rendering.Format.named(name) : null;
        if (format == null || !offered.contains(format)) {
            String can = offered.isEmpty() ? "this environment does not render"
                    : "this environment renders " + String.join(", ", offered.stream().map(Rendering.Format::wire).toList());
            throw new ActionValidationException(List.of(new ValidationError("value_error", List.of(RENDER),
                    "Value error, render must be true or a format name; " + can, codec().toTree(asked), null)));
        }
        return format;
    }

    private static WireCodec codec() {
        return WireCodec.standard();
    }

    /** The result with the episode's rendering in its metadata, when one was asked for. */
    private StepResult<?> rendered(Environment<?, ?, ?> env, StepResult<?> result) {
        Rendering.Format format = rendering.get(env);
        if (format == null) {
            return result;
        }
        var metadata = new LinkedHashMap<String, Object>(result.metadata());
        metadata.put(RENDER, env.render(format).toWire());
        return new StepResult<>(result.observation(), result.reward(), result.done(), metadata);
    }

    /**
     * A step's answer: the envelope, and the step's record line (null: not recording, or already
     * recorded) waiting for the envelope's text as the transport sends it.
     */
    public record Stepped(ObjectNode envelope, Recorder.Line record) {
        /**
         * Records the step, copying the envelope's members from {@code answer}, the text of the WebSocket
         * frame that carried it (null: serialized instead). Call it once the answer is written, or failed to be.
         */
        public void sent(String answer) {
            if (record != null) {
                record.finish(answer);
            }
        }
    }

    /**
     * One step within {@code budget} ({@code null}: none). {@code sent} is the action's JSON as the client
     * sent it (decoded into {@code action}) and {@code frame} the WebSocket frame that carried it; the
     * recorder writes the action's text from the frame, or {@code sent}. A step that came in a frame is
     * answered in one: its record line waits for that answer ({@link Stepped#sent}); one that came over HTTP
     * ({@code frame} null) is recorded here, its observation serialized for the line (the transport
     * serializes it again: putting the line's text back into the envelope as a raw value, to write the
     * observation once, made the transport's serialization ~2 µs per step slower, openenv-bench/NOTES.md).
     *
     * @throws TimeBudget.Exceeded when the budget ran out (the environment was interrupted)
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Stepped step(String sessionId, Environment env, Action action, JsonNode sent, String frame, Duration budget) throws Exception {
        long started = System.nanoTime();
        StepResult<?> result = TimeBudget.call(budget, () -> budget == null ? env.step(action) : env.step(action, budget));
        long took = System.nanoTime() - started;
        ObjectNode envelope = codec.envelope(rendered(env, result));
        Recorder.Line line = null;
        if (recorder != null) {
            line = recorder.step(sessionId, env, sent != null ? sent : action, frame, envelope, took);
            if (frame == null && line != null) {
                line.finish(null);
                line = null;
            }
        }
        metrics.stepTook(System.nanoTime() - started);
        return new Stepped(envelope, line);
    }

    public JsonNode state(Environment<?, ?, ?> env) {
        return codec.toTree(env.state());
    }

    public JsonNode metadata(Environment<?, ?, ?> env) {
        return codec.toTree(env.metadata());
    }
}
