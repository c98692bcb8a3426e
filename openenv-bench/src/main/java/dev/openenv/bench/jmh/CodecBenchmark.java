package dev.openenv.bench.jmh;

import dev.openenv.core.StepResult;
import dev.openenv.core.json.WireCodec;
import dev.openenv.envs.bench.BenchEnvironment.BenchAction;
import dev.openenv.envs.bench.BenchEnvironment.BenchObservation;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The codec's share of one WebSocket step: decoding the step frame's action, encoding the observation frame. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {
    private final WireCodec codec = WireCodec.standard();
    private final byte[] stepFrame = "{\"type\":\"step\",\"data\":{\"wait_seconds\":0,\"payload\":\"x\"}}".getBytes(StandardCharsets.UTF_8);
    private final StepResult<BenchObservation> result = StepResult.of(new BenchObservation("x", 0.0, 7, "0123456789ab", 4242), 1.0);

    @Benchmark
    public BenchAction decodeStepFrame() {
        JsonNode frame = codec.parse(stepFrame);
        return codec.decode(frame.get("data"), BenchAction.class);
    }

    @Benchmark
    public byte[] encodeObservationFrame() {
        ObjectNode frame = codec.object(java.util.Map.of());
        frame.put("type", "observation");
        frame.set("data", codec.envelope(result));
        return codec.writeBytes(frame);
    }
}
