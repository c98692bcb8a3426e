package dev.openenv.envs.wordle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import dev.openenv.envs.wordle.WordleEnvironment.Feedback;
import dev.openenv.envs.wordle.WordleEnvironment.Guess;
import dev.openenv.envs.wordle.WordleEnvironment.Scored;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Wordle marks on the classic repeated-letter cases, refused guesses, and whole games won and lost. */
@Timeout(30)
class WordleRulesTest {
    final WordleEnvironment env = new WordleEnvironment();

    StepResult<Feedback> guess(String word) {
        return env.step(new Guess(word));
    }

    @Test
    void aRepeatedGuessLetterIsYellowOnlyAsOftenAsTheAnswerHasIt() {
        // abide has one e: the first misplaced e of speed is yellow, the second blank; d is misplaced too
        assertThat(WordleEnvironment.score("speed", "abide")).isEqualTo("__Y_Y");
    }

    @Test
    void aGreenUsesUpTheLetterSoEarlierCopiesStayBlank() {
        // those has one e, matched in place: the two earlier e's of geese get nothing
        assertThat(WordleEnvironment.score("geese", "those")).isEqualTo("___GG");
        // hello's two l's are both matched in place, so the leading l of lolly is blank; its o is misplaced
        assertThat(WordleEnvironment.score("lolly", "hello")).isEqualTo("_YGG_");
    }

    @Test
    void aRepeatedAnswerLetterCanBeBothGreenAndYellow() {
        // there has two e's: the final e is green, one more e is left for the first e of eerie
        assertThat(WordleEnvironment.score("eerie", "there")).isEqualTo("Y_Y_G");
        // abbey has two b's: kebab's middle b is green, its last b takes the other one
        assertThat(WordleEnvironment.score("kebab", "abbey")).isEqualTo("_YGYY");
    }

    @Test
    void identicalWordsAreAllGreenAndDisjointWordsAllBlank() {
        assertThat(WordleEnvironment.score("those", "those")).isEqualTo("GGGGG");
        assertThat(WordleEnvironment.score("about", "speed")).isEqualTo("_____");
        assertThat(WordleEnvironment.score("those", "ethos")).isEqualTo("YYYYY");
    }

    @Test
    void guessesThatAreNotFiveLettersAreRefusedWithoutUsingATry() {
        env.reset(3L);
        for (String bad : new String[] {"four", "sixsix", "ab1de", "", "  "}) {
            var r = guess(bad);
            assertThat(r.reward()).isEqualTo(-0.1);
            assertThat(r.done()).isFalse();
            assertThat(r.observation().message()).contains("is not a five-letter word");
            assertThat(r.observation().triesLeft()).isEqualTo(6);
        }
        assertThat(guess(null).reward()).isEqualTo(-0.1);
        assertThat(env.state().stepCount()).isZero();
        assertThat(env.state().triesLeft()).isEqualTo(6);
    }

    @Test
    void wordsOutsideTheListAreRefusedWithoutUsingATry() {
        assertThat(WordleEnvironment.words()).doesNotContain("zzzzz");
        env.reset(3L);
        var r = guess("zzzzz");
        assertThat(r.reward()).isEqualTo(-0.1);
        assertThat(r.observation().message()).contains("not in the word list");
        assertThat(r.observation().history()).isEmpty();
        assertThat(env.state().stepCount()).isZero();
    }

    @Test
    void guessesAreTrimmedAndLowerCased() {
        env.reset(3L);
        var r = guess("  ABOUT ");
        assertThat(r.observation().history()).extracting(Scored::guess).containsExactly("about");
        assertThat(env.state().stepCount()).isEqualTo(1);
    }

    /** Six listed words that are not the answer of {@code seed}'s game, played to the end; returns the answer. */
    String lose(long seed) {
        env.reset(seed);
        List<String> words = WordleEnvironment.words();
        StepResult<Feedback> r = null;
        for (int i = 0; i < 6; i++) {
            assertThat(r == null || !r.done()).isTrue();
            r = guess(words.get(i));
            if (r.observation().answer() != null && r.observation().answer().equals(words.get(i))) {
                throw new AssertionError("seed " + seed + " drew " + words.get(i) + "; pick another seed");
            }
        }
        assertThat(r.done()).isTrue();
        assertThat(r.reward()).isEqualTo(0.0);
        assertThat(r.observation().triesLeft()).isZero();
        assertThat(r.observation().message()).contains("Out of tries");
        return r.observation().answer();
    }

    @Test
    void sixWrongGuessesLoseAndRevealTheAnswerOnlyAtTheEnd() {
        env.reset(11L);
        var first = guess(WordleEnvironment.words().get(0));
        assertThat(first.observation().answer()).isNull();
        assertThat(first.observation().triesLeft()).isEqualTo(5);
        String answer = lose(11L);
        assertThat(WordleEnvironment.words()).contains(answer);
        assertThat(env.state().solved()).isFalse();
        var over = guess(answer);
        assertThat(over.done()).isTrue();
        assertThat(over.reward()).isEqualTo(0.0);
        assertThat(over.observation().history()).hasSize(6);
        assertThat(env.state().stepCount()).isEqualTo(6);
    }

    @Test
    void theSameSeedHidesTheSameWordAndSolvingEarlyEarnsTheUnusedTries() {
        String answer = lose(11L);
        env.reset(11L);
        assertThat(env.state().triesLeft()).isEqualTo(6); // reset cleared the lost game
        var solved = guess(answer);
        assertThat(solved.done()).isTrue();
        assertThat(solved.reward()).isCloseTo(1.5, within(1e-9));
        assertThat(solved.observation().history()).containsExactly(new Scored(answer, "GGGGG"));
        assertThat(solved.observation().answer()).isEqualTo(answer);
        assertThat(env.state().solved()).isTrue();

        env.reset(11L);
        List<String> others = WordleEnvironment.words().stream().filter(w -> !w.equals(answer)).limit(2).toList();
        assertThat(guess(others.get(0)).reward()).isEqualTo(0.0);
        assertThat(guess(others.get(1)).reward()).isEqualTo(0.0);
        var third = guess(answer);
        assertThat(third.reward()).isCloseTo(1.3, within(1e-9));
        assertThat(third.observation().message()).isEqualTo("Solved in 3.");
        assertThat(guess(answer).reward()).isEqualTo(0.0); // the game is over
    }

    @Test
    void differentSeedsHideDifferentWords() {
        Set<String> answers = new HashSet<>();
        for (long seed = 20; seed < 26; seed++) {
            answers.add(lose(seed));
        }
        assertThat(answers).hasSizeGreaterThan(1);
    }

    @Test
    void theWordListIsFiveLowerCaseLettersEach() {
        List<String> words = WordleEnvironment.words();
        assertThat(words).hasSizeGreaterThan(100);
        assertThat(words).allMatch(w -> w.matches("[a-z]{5}"));
        assertThat(new ArrayList<>(words)).isSorted().doesNotHaveDuplicates();
    }
}
