package dev.openenv.envs.blackjack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import dev.openenv.envs.blackjack.BlackjackEnvironment.Move;
import dev.openenv.envs.blackjack.BlackjackEnvironment.Play;
import dev.openenv.envs.blackjack.BlackjackEnvironment.Table;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Blackjack rules on stacked decks. Cards are listed in the order they are dealt: player, dealer,
 * player, dealer (the hole card), then the player's hits, then the dealer's draws. A stacked deck holds
 * exactly the cards a hand should use (plus, where it matters, one the dealer must not take), so a
 * draw too many fails the test.
 */
@Timeout(30)
class BlackjackRulesTest {
    static final Play HIT = new Play(Move.HIT);
    static final Play STAND = new Play(Move.STAND);

    static BlackjackEnvironment dealing(String... cards) {
        List<String> deck = new ArrayList<>(List.of(cards)).reversed(); // the environment draws from the end
        return new BlackjackEnvironment(seed -> new ArrayList<>(deck));
    }

    @Test
    void anAceAndATenDealtToThePlayerIsANaturalPayingOneAndAHalf() {
        var env = dealing("AS", "9H", "KD", "7C");
        StepResult<Table> r = env.reset(1L);
        assertThat(r.done()).isTrue();
        assertThat(r.reward()).isEqualTo(1.5);
        assertThat(r.observation().outcome()).isEqualTo("natural");
        assertThat(r.observation().playerTotal()).isEqualTo(21);
        assertThat(r.observation().dealerCards()).containsExactly("9H", "7C"); // revealed, and no card drawn
        assertThat(r.observation().dealerTotal()).isEqualTo(16);
        assertThat(r.observation().legalActions()).isEmpty();
    }

    @Test
    void twoNaturalsPush() {
        var r = dealing("AS", "AH", "KD", "QC").reset(1L);
        assertThat(r.done()).isTrue();
        assertThat(r.reward()).isEqualTo(0.0);
        assertThat(r.observation().outcome()).isEqualTo("push");
    }

    @Test
    void theDealerDrawsUntilSeventeenOrMore() {
        var env = dealing("10S", "5C", "QH", "6D", "2H", "3S", "5D", "9C");
        env.reset(1L);
        var r = env.step(STAND); // 20 against 11 → 13 → 16 → 21
        assertThat(r.observation().dealerCards()).containsExactly("5C", "6D", "2H", "3S", "5D");
        assertThat(r.observation().dealerTotal()).isEqualTo(21);
        assertThat(r.observation().outcome()).isEqualTo("loss");
        assertThat(r.reward()).isEqualTo(-1.0);
        assertThat(r.done()).isTrue();
        assertThat(env.state().cardsLeft()).isEqualTo(1); // the 9C stays in the deck
    }

    @Test
    void theDealerStandsOnSoftSeventeen() {
        var env = dealing("10S", "AH", "8D", "6C", "KD");
        env.reset(1L);
        var r = env.step(STAND);
        assertThat(r.observation().dealerCards()).containsExactly("AH", "6C");
        assertThat(r.observation().dealerTotal()).isEqualTo(17);
        assertThat(r.observation().outcome()).isEqualTo("win"); // 18 beats 17
        assertThat(r.reward()).isEqualTo(1.0);
        assertThat(env.state().cardsLeft()).isEqualTo(1);
    }

    @Test
    void theDealerStandsOnHardSeventeenWithTheAceCountedAsOne() {
        var env = dealing("10S", "10C", "9H", "6D", "AH", "KD");
        env.reset(1L);
        var r = env.step(STAND); // dealer 16, draws the ace: 10 + 6 + 1 = 17
        assertThat(r.observation().dealerCards()).containsExactly("10C", "6D", "AH");
        assertThat(r.observation().dealerTotal()).isEqualTo(17);
        assertThat(r.reward()).isEqualTo(1.0); // 19 beats 17
    }

    @Test
    void aDealerBustIsAWin() {
        var env = dealing("10S", "10C", "8H", "6D", "KH");
        env.reset(1L);
        var r = env.step(STAND);
        assertThat(r.observation().dealerTotal()).isEqualTo(26);
        assertThat(r.observation().outcome()).isEqualTo("win");
        assertThat(r.reward()).isEqualTo(1.0);
    }

    @Test
    void equalTotalsPushAndALowerTotalLoses() {
        var push = dealing("10S", "10C", "8H", "8D");
        push.reset(1L);
        assertThat(push.step(STAND).reward()).isEqualTo(0.0);
        var loss = dealing("10S", "10C", "7H", "8D");
        loss.reset(1L);
        var r = loss.step(STAND);
        assertThat(r.observation().outcome()).isEqualTo("loss");
        assertThat(r.reward()).isEqualTo(-1.0);
    }

    @Test
    void goingOverTwentyOneBustsAndTheDealerDoesNotPlay() {
        var env = dealing("10S", "9C", "6H", "8D", "KD", "2C");
        env.reset(1L);
        var r = env.step(HIT);
        assertThat(r.observation().playerTotal()).isEqualTo(26);
        assertThat(r.observation().outcome()).isEqualTo("bust");
        assertThat(r.reward()).isEqualTo(-1.0);
        assertThat(r.done()).isTrue();
        assertThat(r.observation().dealerCards()).containsExactly("9C", "8D");
        assertThat(env.state().cardsLeft()).isEqualTo(1);
    }

    @Test
    void hittingToTwentyOneEndsTheTurnAndTheDealerPlays() {
        var env = dealing("5S", "10C", "6H", "7D", "KS");
        env.reset(1L);
        var r = env.step(HIT);
        assertThat(r.done()).isTrue();
        assertThat(r.observation().playerTotal()).isEqualTo(21);
        assertThat(r.observation().dealerTotal()).isEqualTo(17);
        assertThat(r.observation().outcome()).isEqualTo("win");
        assertThat(r.reward()).isEqualTo(1.0); // a three-card 21 is a plain win, not a natural
    }

    @Test
    void aHitBelowTwentyOneKeepsTheHoleCardHidden() {
        var env = dealing("2S", "KC", "3H", "7D", "4C");
        var start = env.reset(1L).observation();
        assertThat(start.dealerCards()).containsExactly("KC", "??");
        assertThat(start.dealerTotal()).isEqualTo(10);
        var r = env.step(HIT);
        assertThat(r.done()).isFalse();
        assertThat(r.reward()).isEqualTo(0.0);
        assertThat(r.observation().playerCards()).containsExactly("2S", "3H", "4C");
        assertThat(r.observation().playerTotal()).isEqualTo(9);
        assertThat(r.observation().dealerCards()).containsExactly("KC", "??");
        assertThat(r.observation().legalActions()).containsExactly(Move.HIT, Move.STAND);
        assertThat(env.state().dealerCards()).containsExactly("KC", "??");
    }

    @Test
    void anAceCountsElevenUntilThatWouldBust() {
        var env = dealing("AS", "KC", "6H", "7D", "9C");
        var soft = env.reset(1L).observation();
        assertThat(soft.playerTotal()).isEqualTo(17);
        assertThat(soft.usableAce()).isTrue();
        var hard = env.step(HIT).observation();
        assertThat(hard.playerTotal()).isEqualTo(16); // 1 + 6 + 9
        assertThat(hard.usableAce()).isFalse();
        assertThat(hard.outcome()).isNull();
    }

    @Test
    void handTotalsCountAcesAsOneOrEleven() {
        assertThat(BlackjackEnvironment.total(List.of("AS", "AH"))).isEqualTo(12);
        assertThat(BlackjackEnvironment.total(List.of("AS", "AH", "9C"))).isEqualTo(21);
        assertThat(BlackjackEnvironment.total(List.of("AS", "AH", "AD", "AC"))).isEqualTo(14);
        assertThat(BlackjackEnvironment.total(List.of("AS", "AH", "AD", "AC", "7S"))).isEqualTo(21);
        assertThat(BlackjackEnvironment.total(List.of("AS", "5H", "6C"))).isEqualTo(12);
        assertThat(BlackjackEnvironment.total(List.of("KD", "QH", "2C"))).isEqualTo(22);
        assertThat(BlackjackEnvironment.total(List.of("10H", "JS"))).isEqualTo(20);
        assertThat(BlackjackEnvironment.usableAce(List.of("AS", "AH"))).isTrue();
        assertThat(BlackjackEnvironment.usableAce(List.of("AS", "AH", "9C"))).isTrue();
        assertThat(BlackjackEnvironment.usableAce(List.of("AS", "5H", "6C"))).isFalse();
        assertThat(BlackjackEnvironment.usableAce(List.of("KD", "9C"))).isFalse();
    }

    @Test
    void aFinishedHandAcceptsNoMoreMovesAndResetDealsAgain() {
        var env = dealing("10S", "9C", "6H", "8D", "KD");
        env.reset(ResetRequest.seeded(1).withEpisodeId("first"));
        env.step(HIT);
        var after = env.step(STAND);
        assertThat(after.done()).isTrue();
        assertThat(after.reward()).isEqualTo(0.0);
        assertThat(after.observation().outcome()).isEqualTo("bust");
        assertThat(env.state().stepCount()).isEqualTo(1);

        var again = env.reset(ResetRequest.seeded(1).withEpisodeId("second"));
        assertThat(again.done()).isFalse();
        assertThat(again.observation().playerCards()).containsExactly("10S", "6H");
        assertThat(again.observation().outcome()).isNull();
        assertThat(env.state().stepCount()).isZero();
        assertThat(env.state().episodeId()).isEqualTo("second");
    }

    @Test
    void theSeedDecidesTheShuffleOfAFullDeck() {
        assertThat(new HashSet<>(BlackjackEnvironment.shuffledDeck(5))).hasSize(52);
        assertThat(BlackjackEnvironment.shuffledDeck(5)).isEqualTo(BlackjackEnvironment.shuffledDeck(5));
        assertThat(BlackjackEnvironment.shuffledDeck(5)).isNotEqualTo(BlackjackEnvironment.shuffledDeck(6));

        var a = new BlackjackEnvironment();
        var b = new BlackjackEnvironment();
        for (long seed = 0; seed < 20; seed++) {
            var ra = a.reset(seed);
            var rb = b.reset(seed);
            assertThat(ra.observation()).isEqualTo(rb.observation());
            if (!ra.done()) {
                assertThat(a.step(HIT)).isEqualTo(b.step(HIT));
            }
            assertThat(a.state().cardsLeft()).isEqualTo(b.state().cardsLeft());
        }
        assertThat(a.reset(3L).observation().playerCards()).hasSize(2);
        assertThat(a.state().cardsLeft()).isEqualTo(48);
    }
}
