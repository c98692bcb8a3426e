package dev.openenv.envs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.Action;
import dev.openenv.core.Environment;
import dev.openenv.core.Forkable;
import dev.openenv.core.Rendering;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.State;
import dev.openenv.envs.blackjack.BlackjackEnvironment;
import dev.openenv.envs.connect4.ConnectFourEnvironment;
import dev.openenv.envs.gridworld.GridWorldEnvironment;
import dev.openenv.envs.snake.SnakeEnvironment;
import dev.openenv.envs.wordle.WordleEnvironment;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every game renders text and SVG of its state, and a restored snapshot continues exactly as the original. */
@Timeout(30)
class RenderAndForkTest {
    record Game<A extends Action>(String name, Supplier<? extends Environment<A, ?, ?>> factory, List<A> moves) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> games() {
        return Stream.of(
                Arguments.of(new Game<>("connect4", ConnectFourEnvironment::new,
                        List.of(new ConnectFourEnvironment.Drop(3), new ConnectFourEnvironment.Drop(2), new ConnectFourEnvironment.Drop(4)))),
                Arguments.of(new Game<>("gridworld", GridWorldEnvironment::new, List.of(
                        new GridWorldEnvironment.Move(GridWorldEnvironment.Direction.RIGHT),
                        new GridWorldEnvironment.Move(GridWorldEnvironment.Direction.DOWN),
                        new GridWorldEnvironment.Move(GridWorldEnvironment.Direction.LEFT)))),
                Arguments.of(new Game<>("snake", SnakeEnvironment::new, List.of(
                        new SnakeEnvironment.Turn(SnakeEnvironment.Direction.UP),
                        new SnakeEnvironment.Turn(SnakeEnvironment.Direction.LEFT),
                        new SnakeEnvironment.Turn(SnakeEnvironment.Direction.DOWN)))),
                Arguments.of(new Game<>("wordle", WordleEnvironment::new, List.of(
                        new WordleEnvironment.Guess("about"), new WordleEnvironment.Guess("zzzzz"), new WordleEnvironment.Guess("after")))),
                Arguments.of(new Game<>("blackjack", BlackjackEnvironment::new, List.of(
                        new BlackjackEnvironment.Play(BlackjackEnvironment.Move.HIT)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("games")
    <A extends Action> void rendersAndForks(Game<A> game) {
        Environment<A, ?, ?> original = game.factory().get();
        original.reset(ResetRequest.none()); // unseeded: the fork must still replay it exactly
        assertThat(original.renderFormats()).containsExactly(Rendering.Format.SVG, Rendering.Format.TEXT);
        String textBefore = original.render(Rendering.Format.TEXT).content();
        assertThat(textBefore).isNotBlank().doesNotContain("\u001b");
        A first = game.moves().get(0);
        original.step(first);
        Rendering svg = original.render(Rendering.Format.SVG);
        assertThat(svg.content()).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").endsWith("</svg>").doesNotContain("<script");
        assertThat(svg.toWire()).containsEntry("media_type", "image/svg+xml").containsEntry("format", "svg");

        Object snapshot = ((Forkable<?>) original).snapshot();
        Environment<A, ?, ?> copy = game.factory().get();
        restore(copy, snapshot);
        State before = original.state();
        assertThat(copy.state()).isEqualTo(before);
        assertThat(copy.render(Rendering.Format.TEXT)).isEqualTo(original.render(Rendering.Format.TEXT));
        for (A move : game.moves().subList(1, game.moves().size())) {
            if (copy.state().equals(original.state())) {
                assertThat(copy.step(move)).as("the same move gives the same result").isEqualTo(original.step(move));
            }
        }
        Environment<A, ?, ?> third = game.factory().get();
        restore(third, snapshot);
        assertThat(third.state()).as("a snapshot is not changed by later steps").isEqualTo(before);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void restore(Environment<?, ?, ?> env, Object snapshot) {
        ((Forkable) env).restore(snapshot);
    }
}
