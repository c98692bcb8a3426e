package dev.openenv.bench.jmh;

import dev.openenv.core.Action;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.json.WireCodec;
import dev.openenv.envs.BundledEnvironments;
import dev.openenv.server.session.EnvironmentRunner;
import dev.openenv.server.session.Session;
import dev.openenv.server.session.SessionManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import tools.jackson.databind.node.ObjectNode;

/**
 * Session dispatch without the network: a step frame decoded, handed to the session's thread, run on
 * the bench environment and encoded ({@code handedOff}, what {@code /ws} does), against the same work
 * on the caller's thread ({@code inline}). The difference is the cost of the thread handoff.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DispatchBenchmark {
    private final WireCodec codec = WireCodec.standard();
    private final byte[] stepFrame = "{\"type\":\"step\",\"data\":{\"wait_seconds\":0,\"payload\":\"x\"}}".getBytes(StandardCharsets.UTF_8);
    private SessionManager sessions;
    private EnvironmentRunner runner;
    private Session session;

    @Setup(Level.Trial)
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void open() throws Exception {
        BundledEnvironments.Entry entry = BundledEnvironments.find("bench").orElseThrow();
        sessions = new SessionManager(entry.factory(), "bench_env", 4, Duration.ZERO, Duration.ofSeconds(1), env -> { });
        runner = new EnvironmentRunner((EnvironmentType<?, ?, ?>) entry.type(), codec);
        session = sessions.open(Session.Kind.WEBSOCKET);
        session.submit(() -> runner.reset(session, dev.openenv.core.ResetRequest.none())).get();
    }

    @TearDown(Level.Trial)
    public void close() {
        sessions.close();
    }

    private byte[] step() throws Exception {
        Action action = runner.decodeAction(codec.parse(stepFrame).get("data"));
        ObjectNode frame = codec.object(java.util.Map.of());
        frame.put("type", "observation");
        frame.set("data", runner.step(session, action, null));
        return codec.writeBytes(frame);
    }

    @Benchmark
    public byte[] inline() throws Exception {
        return step();
    }

    @Benchmark
    public byte[] handedOff() throws Exception {
        return session.submit(this::step).get();
    }
}
