package dev.openenv.core.rubric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RubricTest {
    /** A custom rubric with named parts, as an environment author writes one. */
    static final class CodeRubric extends Rubric<String, Integer> {
        final Rubric<String, Integer> syntax = register("syntax", Rubric.of((code, exit) -> code.isBlank() ? 0.0 : 1.0));
        final Rubric<String, Integer> runs = register("runs", Rubric.of((code, exit) -> exit == 0 ? 1.0 : 0.25));

        @Override
        protected double forward(String code, Integer exit) {
            return syntax.score(code, exit) * runs.score(code, exit);
        }
    }

    static final class Outer extends Rubric<String, Integer> {
        final CodeRubric code = register("code", new CodeRubric());
        final Rubric<String, Integer> style = register("style", Rubric.of((c, e) -> 0.5));

        @Override
        protected double forward(String action, Integer observation) {
            return 0.5 * code.score(action, observation) + 0.5 * style.score(action, observation);
        }
    }

    @Test
    void aLeafFromALambdaScoresAndRemembersItsLastScore() {
        Rubric<String, Integer> leaf = Rubric.of((a, o) -> o / 10.0);
        assertThat(leaf.lastScore()).isEqualTo(OptionalDouble.empty());
        assertThat(leaf.score("x", 7)).isEqualTo(0.7);
        assertThat(leaf.lastScore()).hasValue(0.7);
    }

    @Test
    void descendantsAreNamedByDottedPathsDepthFirstParentsFirst() {
        Outer outer = new Outer();
        assertThat(outer.children().keySet()).containsExactly("code", "style");
        assertThat(outer.namedRubrics().keySet()).containsExactly("code", "code.syntax", "code.runs", "style");
        assertThat(outer.rubric("code.runs")).isSameAs(outer.code.runs);
        assertThat(outer.rubric("code")).isSameAs(outer.code);
        assertThatThrownBy(() -> outer.rubric("code.missing")).isInstanceOf(NoSuchElementException.class)
                .hasMessage("Rubric path not found: code.missing");
        assertThatThrownBy(() -> outer.rubric("")).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void componentScoresShowWhatEachPartScoredLast() {
        Outer outer = new Outer();
        assertThat(outer.componentScores()).isEmpty();
        assertThat(outer.score("print(1)", 1)).isEqualTo(0.5 * 0.25 + 0.5 * 0.5);
        assertThat(outer.componentScores()).containsExactly(
                java.util.Map.entry("code", 0.25), java.util.Map.entry("code.syntax", 1.0),
                java.util.Map.entry("code.runs", 0.25), java.util.Map.entry("style", 0.5));
    }

    @Test
    void hooksRunBeforeAndAfterForwardWithTheScore() {
        List<String> calls = new ArrayList<>();
        Rubric<String, Integer> leaf = Rubric.of((a, o) -> {
            calls.add("forward");
            return 0.3;
        });
        leaf.registerForwardPreHook((r, a, o) -> calls.add("pre " + a + " " + o + " last=" + r.lastScore()));
        leaf.registerForwardHook((r, a, o, s) -> calls.add("post " + s + " last=" + r.lastScore()));
        leaf.score("a", 1);
        assertThat(calls).containsExactly("pre a 1 last=OptionalDouble.empty", "forward", "post 0.3 last=OptionalDouble[0.3]");
    }

    @Test
    void registeringANameAgainReplacesTheChildInPlace() {
        var holder = new Rubric<Object, Object>() {
            {
                register("a", Rubric.of((x, y) -> 1));
                register("b", Rubric.of((x, y) -> 2));
                register("a", Rubric.of((x, y) -> 3));
            }

            @Override
            protected double forward(Object action, Object observation) {
                return 0;
            }
        };
        assertThat(holder.children().keySet()).containsExactly("a", "b");
        assertThat(cast(holder.rubric("a")).score(null, null)).isEqualTo(3.0);
        assertThatThrownBy(() -> new RubricDict<Object, Object>().put("a.b", Rubric.of((x, y) -> 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @SuppressWarnings("unchecked")
    private static Rubric<Object, Object> cast(Rubric<?, ?> r) {
        return (Rubric<Object, Object>) r;
    }

    @Test
    void resetReachesEveryDescendantButKeepsLastScores() {
        List<String> resets = new ArrayList<>();
        class Counting extends Rubric<Object, Object> {
            final String name;

            Counting(String name) {
                this.name = name;
            }

            @Override
            protected double forward(Object action, Object observation) {
                return 1.0;
            }

            @Override
            public void reset() {
                resets.add(name);
                super.reset();
            }
        }
        var tree = new Sequential<Object, Object>(new Counting("a"), new Gate<>(new Counting("b")));
        tree.score(null, null);
        tree.reset();
        assertThat(resets).containsExactly("a", "b");
        assertThat(tree.componentScores()).containsEntry("rubric_1.rubric", 1.0);
    }
}
