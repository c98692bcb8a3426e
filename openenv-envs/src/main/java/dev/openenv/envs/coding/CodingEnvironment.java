package dev.openenv.envs.coding;

import dev.openenv.envs.Readmes;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.openenv.core.Action;
import dev.openenv.core.Default;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentMetadata;
import dev.openenv.core.State;
import dev.openenv.core.Episode;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.rubric.Rubric;
import dev.openenv.sandbox.Sandbox;
import dev.openenv.sandbox.Sandbox.Limits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Runs the agent's code in a {@link Sandbox} (bubblewrap: no network, nothing but {@code /usr} and a
 * private {@code /tmp}, user nobody, rlimits) and returns stdout, stderr and the exit
 * code. Python runs in the machine's {@code /usr/bin/python3}; Java snippets in JShell in a separate,
 * sandboxed JVM. With the reset option {@code persistent: true}, Python snippets of one episode share
 * one interpreter, so variables survive between steps. Reward: 1.0 when the code exits 0, 0.0 when it
 * fails, -1.0 when a limit (time, memory) stopped it ({@link CodingRubric}). Hostile code ends in an observation that says
 * what happened, never in harm to the server or other sessions.
 */
public final class CodingEnvironment implements Environment<CodingEnvironment.CodeAction, CodingEnvironment.CodeObservation, CodingEnvironment.CodeState> {

    public enum Language {
        PYTHON, JAVA;

        @JsonValue
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record CodeAction(
            @JsonPropertyDescription("The code to run.") String code,
            @JsonPropertyDescription("python (default) or java (a JShell snippet).") @Default("\"python\"") Language language) implements Action {}

    public record CodeObservation(String stdout, String stderr, int exitCode, boolean timedOut) {}

    public record CodeState(String episodeId, int stepCount, boolean persistent, int lastExitCode) implements State {}

    /** A sandbox and how long a program in it may take by the wall clock (the caller's to enforce). */
    private record Budget(Sandbox sandbox, Duration wall) {}

    private static final Budget PYTHON = new Budget(Sandbox.builder()
            .limits(new Limits(Duration.ofSeconds(5), 512L << 20, 32, 16L << 20, 64, 64L << 20)).build(), Duration.ofSeconds(10));
    private static final Budget PYTHON_SESSION = new Budget(Sandbox.builder()
            .limits(new Limits(Duration.ofSeconds(60), 512L << 20, 32, 16L << 20, 64, 64L << 20)).build(), Duration.ofSeconds(10));
    private static final Path JDK = Path.of(System.getProperty("java.home")).toAbsolutePath().normalize();
    /** The JVM reserves far more address space than it uses, so JShell is bounded by -Xmx instead. */
    private static final Budget JAVA = new Budget(Sandbox.builder().readOnly(JDK)
            .limits(new Limits(Duration.ofSeconds(20), 0, 512, 16L << 20, 64, 64L << 20)).build(), Duration.ofSeconds(40));

    private static final int OUTPUT_LIMIT = 65536;
    /** The most a persistent interpreter may write on its result channel for one run (two full outputs, JSON-escaped). */
    private static final long CHANNEL_LIMIT = 16L * OUTPUT_LIMIT;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    /** How JShell reports a snippet that did not compile or threw. */
    private static final java.util.regex.Pattern JSHELL_FAILURE = java.util.regex.Pattern.compile("(?m)^(\\|  )?(Error:|Exception )");
    private static final String DRIVER = loadDriver();

    private final Episode episode = new Episode();
    private final CodingRubric rubric = new CodingRubric();
    private boolean persistent;
    private int lastExitCode;
    private Process repl;

    private static String loadDriver() {
        try (InputStream in = CodingEnvironment.class.getResourceAsStream("/dev/openenv/envs/coding/repl_driver.py")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("bundled REPL driver missing", e);
        }
    }

    public CodingEnvironment() {
        Sandbox.missingTools().ifPresent(missing -> {
            throw new IllegalStateException("the coding environment needs " + missing);
        });
    }

    @Override
    public StepResult<CodeObservation> reset(ResetRequest request) {
        Object p = request.options().getOrDefault("persistent", false); // checked before anything changes
        if (!(p instanceof Boolean b)) {
            throw new dev.openenv.core.InvalidOptionException("persistent", p, "must be true or false");
        }
        stopRepl();
        episode.begin(request);
        rubric.reset();
        this.lastExitCode = 0;
        this.persistent = b;
        return StepResult.of(new CodeObservation("", "", 0, false), 0.0);
    }

    @Override
    public StepResult<CodeObservation> step(CodeAction action) {
        episode.countStep();
        CodeObservation obs;
        try {
            obs = action.language() == Language.JAVA ? runJava(action.code())
                    : persistent ? runInRepl(action.code()) : runPython(action.code());
        } catch (IOException e) {
            obs = new CodeObservation("", "sandbox failed: " + e.getMessage(), -1, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            obs = new CodeObservation("", "interrupted: the step's time ran out and its processes were killed", -1, true);
        }
        lastExitCode = obs.exitCode();
        StepResult<CodeObservation> result = StepResult.of(obs, null);
        return result.withReward(rubric.score(action, result));
    }

    private CodeObservation runPython(String code) throws IOException, InterruptedException {
        Process p = PYTHON.sandbox().start(List.of("/usr/bin/python3", "-I", "-c", code));
        p.getOutputStream().close();
        return collect(p, PYTHON.wall(), "");
    }

    private CodeObservation runJava(String code) throws IOException, InterruptedException {
        Process p = JAVA.sandbox().start(List.of(JDK.resolve("bin/jshell").toString(),
                "--execution", "local", "-J-Xmx192m", "-J-XX:+UseSerialGC", "-J-XX:TieredStopAtLevel=1",
                "-J-Djava.util.prefs.userRoot=/tmp/.prefs", "-J-Djava.util.logging.config.file=/dev/null", "--feedback", "concise", "-"));
        try (OutputStream in = p.getOutputStream()) {
            in.write((code + "\n/exit\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // JShell already ended; its output says why
        }
        CodeObservation raw = collect(p, JAVA.wall(), "");
        // JShell reports failed snippets in its output rather than in its exit code.
        boolean failed = JSHELL_FAILURE.matcher(raw.stdout()).find() || JSHELL_FAILURE.matcher(raw.stderr()).find();
        return failed && raw.exitCode() == 0 ? new CodeObservation(raw.stdout(), raw.stderr(), 1, false) : raw;
    }

    private CodeObservation runInRepl(String code) throws IOException, InterruptedException {
        String note = "";
        if (repl == null || !repl.isAlive()) {
            if (repl != null) {
                note = "[the previous interpreter ended; variables were lost]\n";
            }
            repl = PYTHON_SESSION.sandbox().start(List.of("/usr/bin/python3", "-I", "-u", "-c", DRIVER));
        }
        byte[] bytes = code.getBytes(StandardCharsets.UTF_8);
        // A fresh nonce per run: a result line the snippet forges on the channel lacks it and is skipped.
        byte[] secret = new byte[16];
        RANDOM.nextBytes(secret);
        String nonce = java.util.HexFormat.of().formatHex(secret);
        OutputStream in = repl.getOutputStream();
        try {
            in.write((bytes.length + " " + nonce + "\n").getBytes(StandardCharsets.UTF_8));
            in.write(bytes);
            in.flush();
        } catch (IOException e) {
            return collect(repl, PYTHON_SESSION.wall(), note);
        }
        Process current = repl;
        var line = CompletableFuture.supplyAsync(() -> readResult(current.getInputStream(), nonce), runnable -> Thread.ofVirtual().start(runnable));
        String json;
        try {
            json = line.get(PYTHON_SESSION.wall().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // The server gave up on this step: stop the interpreter, or it runs on and answers the next step.
            stopRepl();
            throw e;
        } catch (java.util.concurrent.TimeoutException e) {
            stopRepl();
            return new CodeObservation("", note + "Timed out after " + PYTHON_SESSION.wall().toSeconds()
                    + " s; the interpreter was stopped and its variables are lost.", 124, true);
        } catch (java.util.concurrent.ExecutionException e) {
            json = null;
        }
        if (json == null) {
            CodeObservation ended = collect(repl, java.time.Duration.ofSeconds(2), note);
            repl = null;
            return new CodeObservation(ended.stdout(), ended.stderr() + "\n[the interpreter ended: exit " + ended.exitCode() + "]",
                    ended.exitCode() == 0 ? 1 : ended.exitCode(), ended.timedOut());
        }
        JsonNode r = WireCodec.standard().parse(json);
        return new CodeObservation(r.path("stdout").asString(""), note + r.path("stderr").asString(""), r.path("exit_code").asInt(1), false);
    }

    /**
     * The JSON of the first line that starts with {@code nonce}, or null at end of file or when the
     * channel carried more than {@link #CHANNEL_LIMIT} bytes (a snippet flooding it is not buffered).
     */
    private static String readResult(InputStream in, String nonce) {
        try {
            long total = 0;
            while (true) {
                var buf = new ByteArrayOutputStream();
                int b;
                while ((b = in.read()) != -1 && b != '\n') {
                    if (++total > CHANNEL_LIMIT) {
                        return null;
                    }
                    if (buf.size() <= CHANNEL_LIMIT) {
                        buf.write(b);
                    }
                }
                if (b == -1) {
                    return null;
                }
                String line = buf.toString(StandardCharsets.UTF_8);
                if (line.startsWith(nonce + " ")) {
                    return line.substring(nonce.length() + 1);
                }
            }
        } catch (IOException e) {
            return null;
        }
    }

    /** Waits for a one-shot process within its wall clock, then reads its output (bounded). */
    private static CodeObservation collect(Process p, java.time.Duration wall, String note) throws InterruptedException {
        var out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), r -> Thread.ofVirtual().start(r));
        var err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), r -> Thread.ofVirtual().start(r));
        boolean finished;
        try {
            finished = p.waitFor(wall.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // The server gave up on this step (timeout_s): nothing may outlive it.
            Sandbox.kill(p.toHandle());
            throw e;
        }
        if (!finished) {
            // Kill through the handle: Process.destroyForcibly also closes our ends of the pipes, which
            // threw away whatever the code printed before the deadline. bwrap's PID namespace takes every
            // child down with it, so the pipes reach end of file on their own.
            Sandbox.kill(p.toHandle());
            p.waitFor(5, TimeUnit.SECONDS);
        }
        String stdout = output(out, p.getInputStream());
        String stderr = note + output(err, p.getErrorStream());
        if (!finished) {
            return new CodeObservation(stdout, stderr + "\nTimed out after " + wall.toSeconds() + " s of wall-clock time.", 124, true);
        }
        int code = p.exitValue();
        if (code == 128 + 24 || code == 128 + 9 && stderr.isEmpty()) {
            stderr += "\nStopped: CPU time limit reached.";
            return new CodeObservation(stdout, stderr, code, true);
        }
        return new CodeObservation(stdout, stderr, code, false);
    }

    /** What {@code drain} read, or what it had read when the pipe was still open 5 s after the process ended. */
    private static String output(CompletableFuture<String> drained, InputStream stream) throws InterruptedException {
        try {
            return drained.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // closing is the fallback; nothing more to do
            }
            return drained.join();
        } catch (java.util.concurrent.ExecutionException e) {
            return "";
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            byte[] data = in.readNBytes(OUTPUT_LIMIT + 1);
            in.transferTo(OutputStream.nullOutputStream());
            String s = new String(data, 0, Math.min(data.length, OUTPUT_LIMIT), StandardCharsets.UTF_8);
            return data.length > OUTPUT_LIMIT ? s + "\n[output truncated]" : s;
        } catch (IOException e) {
            return "";
        }
    }

    private void stopRepl() {
        if (repl != null) {
            Sandbox.kill(repl.toHandle());
            repl = null;
        }
    }

    @Override
    public CodeState state() {
        return new CodeState(episode.id(), episode.steps(), persistent, lastExitCode);
    }

    @Override
    public void close() {
        stopRepl();
    }

    /** The rubric every step's reward comes from; its parts' last scores are {@code rubric().componentScores()}. */
    @Override
    public Optional<Rubric<CodeAction, StepResult<CodeObservation>>> rubric() {
        return Optional.of(rubric);
    }

    @Override
    public EnvironmentMetadata metadata() {
        return Readmes.metadata(getClass(), "CodingEnvironment", "Runs Python (or JShell) code in a bubblewrap sandbox and returns stdout, stderr and the exit code.");
    }
}
