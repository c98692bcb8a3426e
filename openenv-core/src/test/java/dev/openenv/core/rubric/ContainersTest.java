package dev.openenv.core.rubric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ContainersTest {
    private final List<String> evaluated = new ArrayList<>();

    private Rubric<Object, Object> fixed(String name, double score) {
        return Rubric.of((a, o) -> {
            evaluated.add(name);
            return score;
        });
    }

    @Test
    void sequentialReturnsTheLastScoreWhenNoneIsZero() {
        var seq = new Sequential<>(fixed("a", 0.5), fixed("b", 0.8), fixed("c", 0.3));
        assertThat(seq.score(null, null)).isEqualTo(0.3);
        assertThat(evaluated).containsExactly("a", "b", "c");
        assertThat(seq.namedRubrics().keySet()).containsExactly("rubric_0", "rubric_1", "rubric_2");
        assertThat(seq.size()).isEqualTo(3);
    }

    @Test
    void sequentialStopsAtTheFirstZero() {
        var seq = new Sequential<>(fixed("a", 1.0), fixed("b", 0.0), fixed("c", 1.0));
        assertThat(seq.score(null, null)).isZero();
        assertThat(evaluated).containsExactly("a", "b");
        assertThat(seq.get(2).lastScore()).isEmpty();
    }

    @Test
    void anEmptySequentialScoresOne() {
        assertThat(new Sequential<Object, Object>().score(null, null)).isEqualTo(1.0);
    }

    @Test
    void sequentialDoesNotStopOnANegativeScore() {
        assertThat(new Sequential<>(fixed("a", -1.0), fixed("b", 0.4)).score(null, null)).isEqualTo(0.4);
    }

    @Test
    void gatePassesScoresAtOrAboveTheThresholdAndZeroesTheRest() {
        assertThat(new Gate<>(fixed("a", 0.5), 0.5).score(null, null)).isEqualTo(0.5);
        assertThat(new Gate<>(fixed("a", 0.49), 0.5).score(null, null)).isZero();
        assertThat(new Gate<>(fixed("a", 0.99)).score(null, null)).isZero();
        assertThat(new Gate<>(fixed("a", 1.0)).score(null, null)).isEqualTo(1.0);
        var gate = new Gate<>(fixed("a", 0.7), 0.2);
        assertThat(gate.threshold()).isEqualTo(0.2);
        assertThat(gate.children().keySet()).containsExactly("rubric");
    }

    @Test
    void weightedSumAddsWeightedScoresOfEveryChild() {
        var sum = new WeightedSum<>(List.of(fixed("a", 1.0), fixed("b", 0.5), fixed("c", 0.0)), List.of(0.5, 0.3, 0.2));
        assertThat(sum.score(null, null)).isCloseTo(0.65, within(1e-12));
        assertThat(evaluated).containsExactly("a", "b", "c");
        assertThat(sum.weights()).containsExactly(0.5, 0.3, 0.2);
        assertThat(sum.componentScores()).containsExactly(Map.entry("rubric_0", 1.0), Map.entry("rubric_1", 0.5),
                Map.entry("rubric_2", 0.0));
    }

    @Test
    void weightedSumValidatesItsWeightsAndDoesNotNormaliseThem() {
        assertThatThrownBy(() -> new WeightedSum<>(List.of(fixed("a", 1)), List.of(0.5, 0.5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Number of rubrics (1) must match number of weights (2)");
        assertThatThrownBy(() -> new WeightedSum<>(List.of(fixed("a", 1), fixed("b", 1)), List.of(2.0, 3.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Weights must sum to 1.0, got 5.0");
        // Within the reference's 1e-6 tolerance is accepted as given.
        var close = new WeightedSum<>(List.of(fixed("a", 1), fixed("b", 1)), List.of(0.5, 0.5000005));
        assertThat(close.score(null, null)).isEqualTo(1.0000005);
        assertThatThrownBy(() -> new WeightedSum<>(List.of(fixed("a", 1)), List.of(1.00001)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void containersNestAndTheirPartsAreReachableByPath() {
        var tree = new Sequential<>(new Gate<>(fixed("compiles", 1.0)),
                new Gate<>(fixed("tests", 0.6), 0.5),
                new WeightedSum<>(List.of(fixed("tests2", 0.6), fixed("style", 1.0)), List.of(0.7, 0.3)));
        assertThat(tree.score(null, null)).isCloseTo(0.72, within(1e-12));
        assertThat(tree.namedRubrics().keySet()).containsExactly("rubric_0", "rubric_0.rubric", "rubric_1",
                "rubric_1.rubric", "rubric_2", "rubric_2.rubric_0", "rubric_2.rubric_1");
        assertThat(tree.rubric("rubric_2.rubric_1").lastScore()).hasValue(1.0);
        assertThat(tree.componentScores()).containsEntry("rubric_1", 0.6).containsEntry("rubric_2", 0.72);
    }

    @Test
    void rubricListHoldsIndexedMembersForAParentToAggregate() {
        var games = new RubricList<Object, Integer>(List.of(Rubric.of((a, i) -> 0.1), Rubric.of((a, i) -> 0.2)));
        games.add(Rubric.of((a, i) -> 0.3));
        var parent = new Rubric<Object, Integer>() {
            final RubricList<Object, Integer> list = register("games", games);

            @Override
            protected double forward(Object action, Integer index) {
                return list.get(index).score(action, index);
            }
        };
        assertThat(parent.score(null, 2)).isEqualTo(0.3);
        assertThat(games.size()).isEqualTo(3);
        assertThat(games).hasSize(3);
        assertThat(parent.namedRubrics().keySet()).containsExactly("games", "games.rubric_0", "games.rubric_1", "games.rubric_2");
        assertThat(parent.componentScores()).containsExactly(Map.entry("games.rubric_2", 0.3));
        assertThatThrownBy(() -> games.score(null, 0)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("RubricList.forward() is not implemented");
    }

    @Test
    void rubricDictHoldsKeyedMembersForAParentToPick() {
        var games = new RubricDict<Object, String>(Map.of("pong", Rubric.of((a, g) -> 0.9)));
        games.put("breakout", Rubric.of((a, g) -> 0.4));
        var parent = new Rubric<Object, String>() {
            final RubricDict<Object, String> dict = register("games", games);

            @Override
            protected double forward(Object action, String game) {
                return dict.get(game).score(action, game);
            }
        };
        assertThat(parent.score(null, "breakout")).isEqualTo(0.4);
        assertThat(games.keys()).containsExactly("pong", "breakout");
        assertThat(games.containsKey("pong")).isTrue();
        assertThat(games.size()).isEqualTo(2);
        assertThat(games.asMap()).containsOnlyKeys("pong", "breakout");
        assertThat(parent.rubric("games.breakout").lastScore()).hasValue(0.4);
        assertThatThrownBy(() -> games.get("tetris")).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> games.score(null, "pong")).isInstanceOf(UnsupportedOperationException.class);
    }
}
