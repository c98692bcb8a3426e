package dev.openenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.core.mcp.McpAction;
import dev.openenv.core.mcp.McpEnvironment;
import dev.openenv.core.mcp.McpObservation;
import dev.openenv.core.mcp.McpTool;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EnvironmentSpiTest {
    record Move(int dx) implements Action {}

    record Seen(int x) {}

    static class Walker implements Environment<Move, Seen, BasicState> {
        final Episode episode = new Episode();
        int x;

        @Override
        public StepResult<Seen> reset(ResetRequest request) {
            episode.begin(request);
            x = request.random().nextInt(10);
            return StepResult.of(new Seen(x), 0.0);
        }

        @Override
        public StepResult<Seen> step(Move move) {
            episode.countStep();
            x += move.dx();
            return StepResult.of(new Seen(x), 0.0);
        }

        @Override
        public BasicState state() {
            return episode.state();
        }
    }

    static final class FastWalker extends Walker {}

    public static final class Calculator extends McpEnvironment<BasicState> {
        @McpTool(description = "Add two numbers.")
        int add(int a, int b) {
            return a + b;
        }

        @Override
        public StepResult<McpObservation> reset(ResetRequest request) {
            return StepResult.of(new dev.openenv.core.mcp.EmptyObservation(), 0.0);
        }

        @Override
        public BasicState state() {
            return new BasicState(null, 0);
        }
    }

    static abstract class Generic<A extends Action> implements Environment<A, Seen, BasicState> {}

    @Test
    void aSubclassOfMcpEnvironmentResolvesAllThreeWireTypes() {
        var type = EnvironmentType.fromClass(Calculator.class);
        assertThat(type.actionType()).isEqualTo(McpAction.class);
        assertThat(type.observationType()).isEqualTo(McpObservation.class);
        assertThat(type.stateType()).isEqualTo(BasicState.class);
    }

    @Test
    void aSubclassOfAConcreteEnvironmentInheritsItsTypes() {
        var type = EnvironmentType.fromClass(FastWalker.class);
        assertThat(type.actionType()).isEqualTo(Move.class);
        assertThat(type.name()).isEqualTo("FastWalker");
    }

    @Test
    void anEnvironmentThatLeavesATypeArgumentOpenIsRefusedWithAnExplanation() {
        assertThatThrownBy(() -> EnvironmentType.fromClass(Generic.class))
                .isInstanceOf(OpenEnvException.class)
                .hasMessageContaining("pass an EnvironmentType explicitly");
    }

    @Test
    void theSameSeedGivesTheSameEpisodeAndTheEpisodeHelperCountsSteps() {
        var a = new Walker();
        var b = new Walker();
        assertThat(a.reset(7).observation()).isEqualTo(b.reset(7).observation());
        a.step(new Move(1));
        a.step(new Move(1));
        assertThat(a.state().stepCount()).isEqualTo(2);
        a.reset(ResetRequest.seeded(7).withEpisodeId("ep-9"));
        assertThat(a.state()).isEqualTo(new BasicState("ep-9", 0));
    }

    @Test
    void episodeIdsAreFreshWhenNoneIsRequested() {
        var w = new Walker();
        w.reset();
        String first = w.state().episodeId();
        w.reset();
        assertThat(w.state().episodeId()).isNotBlank().isNotEqualTo(first);
    }

    @Test
    void aResetRequestWritesTheWireMembersTheReferenceReads() {
        var r = ResetRequest.seeded(3).withEpisodeId("e").withTask("train", 2).withOption("difficulty", "hard");
        assertThat(r.toWire()).containsExactly(Map.entry("seed", 3L), Map.entry("episode_id", "e"),
                Map.entry("split", "train"), Map.entry("index", 2), Map.entry("difficulty", "hard"));
        assertThat(ResetRequest.none().toWire()).isEmpty();
        assertThat(r.option("missing", "x")).isEqualTo("x");
    }
}
