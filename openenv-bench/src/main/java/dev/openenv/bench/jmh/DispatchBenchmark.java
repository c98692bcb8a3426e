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
 * Session dispatch without the network: a step frame decoded, run on the bench environment and encoded,
 * on the caller's thread ({@code inline}: a WebSocket session) against handed to the session's own
 * thread ({@code handedOff}: an HTTP session). The difference is the cost of the thread handoff.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DispatchBenchmark {
    private final WireCodec codec = WireCodec.standard();
    private final byte[] stepFrame = "{\"type\":\"step\",\"data\":{\"wait_seconds\":0,\"payload\":\"x\"}}".getBytes(StandardCharsets.UTF_8);
    private SessionManager sessions;
    private EnvironmentRunner runner;
    private Session inlineSession;
    private Session ownThreadSession;

    @Setup(Level.Trial)
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void open() throws Exception {
        BundledEnvironments.Entry entry = BundledEnvironments.find("bench").orElseThrow();
        sessions = new SessionManager(entry.factory(), "bench_env", 4, Duration.ZERO, env -> { });
        runner = new EnvironmentRunner((EnvironmentType<?, ?, ?>) entry.type(), codec);
        inlineSession = sessions.open(Session.Kind.WEBSOCKET);
        ownThreadSession = sessions.open(Session.Kind.HTTP);
        inlineSession.await(env -> runner.reset("bench", env, dev.openenv.core.ResetRequest.none()), null);
        ownThreadSession.await(env -> runner.reset("bench", env, dev.openenv.core.ResetRequest.none()), null);
    }

    @TearDown(Level.Trial)
    public void close() {
        sessions.close();
    }

    private byte[] step(Session session) throws Exception {
        var data = codec.parse(stepFrame).get("data");
        Action action = runner.decodeAction(data);
        ObjectNode frame = codec.object(java.util.Map.of());
        frame.put("type", "observation");
        frame.set("data", session.await(env -> runner.step("bench", env, action, data, null, null).envelope(), null));
        return codec.writeBytes(frame);
    }

    @Benchmark
    public byte[] inline() throws Exception {
        return step(inlineSession);
    }

    @Benchmark
    public byte[] handedOff() throws Exception {
        return step(ownThreadSession);
    }
}
