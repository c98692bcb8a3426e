package dev.openenv.envs.blackjack;

import dev.openenv.envs.Readmes;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.openenv.envs.internal.Pictures;
import dev.openenv.core.Replay;
import dev.openenv.core.Forkable;
import dev.openenv.core.Rendering;
import dev.openenv.core.Default;
import dev.openenv.core.Action;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentMetadata;
import dev.openenv.core.State;
import dev.openenv.core.Episode;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.StepResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.LongFunction;

/**
 * Blackjack against the dealer, one hand per episode, from a 52-card deck shuffled by the seed. The
 * dealer draws to 17 and stands on all 17s. Reward at the end: +1 win (+1.5 for a natural), -1 loss,
 * 0 push. Cards are written rank + suit ({@code "AS"}, {@code "10H"}, {@code "KD"}).
 */
public final class BlackjackEnvironment implements Environment<BlackjackEnvironment.Play, BlackjackEnvironment.Table, BlackjackEnvironment.HandState>,
        Forkable<Replay.Snapshot<BlackjackEnvironment.Play>> {

    public enum Move {
        HIT, STAND;

        @JsonValue
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Play(@JsonPropertyDescription("hit to take a card, stand to end your turn.") Move action) implements Action {}

    /** The table as the player sees it: the dealer's hole card stays hidden until the hand ends. */
    public record Table(List<String> playerCards, int playerTotal, boolean usableAce, List<String> dealerCards,
                        int dealerTotal, List<Move> legalActions, @Default("null") String outcome, String message) {}

    public record HandState(String episodeId, int stepCount, List<String> playerCards, List<String> dealerCards,
                            int cardsLeft, @Default("null") String outcome) implements State {}

    private static final String[] RANKS = {"A", "2", "3", "4", "5", "6", "7", "8", "9", "10", "J", "Q", "K"};
    private static final String[] SUITS = {"S", "H", "D", "C"};

    private final Episode episode = new Episode();
    private final Replay<Play> replay = new Replay<>(); // the episode so far, for fork
    private final List<String> deck = new ArrayList<>();
    private final List<String> player = new ArrayList<>();
    private final List<String> dealer = new ArrayList<>();
    private final LongFunction<List<String>> decks;
    private String outcome;

    /** Ready to play at once (seed 0) so a step before the first reset is answered, not refused. */
    public BlackjackEnvironment() {
        this(BlackjackEnvironment::shuffledDeck);
    }

    /** Deals from {@code decks.apply(seed)}, drawing from the end of the list: a stacked deck for tests. */
    BlackjackEnvironment(LongFunction<List<String>> decks) {
        this.decks = decks;
        reset(0L);
    }

    /** The 52 cards shuffled by {@code seed}; cards are drawn from the end. */
    static List<String> shuffledDeck(long seed) {
        List<String> deck = new ArrayList<>();
        for (String s : SUITS) {
            for (String r : RANKS) {
                deck.add(r + s);
            }
        }
        Collections.shuffle(deck, new Random(seed));
        return deck;
    }

    @Override
    public Replay.Snapshot<Play> snapshot() {
        return replay.snapshot();
    }

    @Override
    public void restore(Replay.Snapshot<Play> snapshot) {
        Replay.restore(this, snapshot);
    }

    @Override
    public StepResult<Table> reset(ResetRequest request) {
        request = replay.begin(request); // seeded, with an episode id: a fork replays it exactly
        episode.begin(request);
        this.outcome = null;
        deck.clear();
        deck.addAll(decks.apply(request.seedOr(System.nanoTime())));
        player.clear();
        dealer.clear();
        player.add(draw());
        dealer.add(draw());
        player.add(draw());
        dealer.add(draw());
        if (total(player) == 21) {
            return finish(total(dealer) == 21 ? "push" : "natural", "Blackjack!");
        }
        return StepResult.of(table("Your move: hit or stand."), 0.0);
    }

    private String draw() {
        return deck.remove(deck.size() - 1);
    }

    static int value(String card) {
        String rank = card.substring(0, card.length() - 1);
        return switch (rank) {
            case "A" -> 11;
            case "J", "Q", "K" -> 10;
            default -> Integer.parseInt(rank);
        };
    }

    static int total(List<String> hand) {
        int sum = 0;
        int aces = 0;
        for (String c : hand) {
            sum += value(c);
            aces += c.startsWith("A") ? 1 : 0;
        }
        while (sum > 21 && aces-- > 0) {
            sum -= 10;
        }
        return sum;
    }

    static boolean usableAce(List<String> hand) {
        int hard = 0;
        for (String c : hand) {
            hard += c.startsWith("A") ? 1 : value(c);
        }
        return hand.stream().anyMatch(c -> c.startsWith("A")) && hard + 10 <= 21;
    }

    @Override
    public StepResult<Table> step(Play play) {
        replay.played(play);
        if (outcome != null) {
            return StepResult.of(table("The hand is over (" + outcome + "); reset to deal again."), 0.0, true);
        }
        episode.countStep();
        if (play.action() == Move.HIT) {
            String card = draw();
            player.add(card);
            if (total(player) > 21) {
                return finish("bust", "You drew " + card + " and bust with " + total(player) + ".");
            }
            if (total(player) == 21) {
                return dealerPlays("You drew " + card + " for 21.");
            }
            return StepResult.of(table("You drew " + card + "; total " + total(player) + "."), 0.0);
        }
        return dealerPlays("You stand on " + total(player) + ".");
    }

    private StepResult<Table> dealerPlays(String prefix) {
        while (total(dealer) < 17) {
            dealer.add(draw());
        }
        int p = total(player);
        int d = total(dealer);
        String result = d > 21 || p > d ? "win" : p == d ? "push" : "loss";
        return finish(result, prefix + " Dealer has " + d + ".");
    }

    private StepResult<Table> finish(String result, String message) {
        outcome = result;
        double reward = switch (result) {
            case "natural" -> 1.5;
            case "win" -> 1.0;
            case "push" -> 0.0;
            default -> -1.0;
        };
        return StepResult.of(table(message + " Outcome: " + result + "."), reward, true);
    }

    @Override
    public List<Rendering.Format> renderFormats() {
        return List.of(Rendering.Format.SVG, Rendering.Format.TEXT);
    }

    /** Both hands as the player sees them (the dealer's hole card hidden until the hand ends) and their totals. */
    @Override
    public Rendering render(Rendering.Format format) {
        Table t = table("");
        String dealerLine = "Dealer (" + t.dealerTotal() + ")";
        String playerLine = "You (" + t.playerTotal() + ")";
        if (format == Rendering.Format.SVG) {
            return Rendering.svg(Pictures.tiles(List.of(dealerLine, playerLine), List.of(cards(t.dealerCards()), cards(t.playerCards())), "#0b6e4f"));
        }
        return Rendering.text(dealerLine + ": " + String.join(" ", t.dealerCards()) + "\n" + playerLine + ": "
                + String.join(" ", t.playerCards()) + (t.outcome() == null ? "" : "\nOutcome: " + t.outcome()) + "\n");
    }

    private static List<Pictures.Tile> cards(List<String> cards) {
        return cards.stream().map(c -> c.equals("??") ? new Pictures.Tile("?", "#264653", "#ffffff")
                : new Pictures.Tile(c, "#ffffff", c.endsWith("H") || c.endsWith("D") ? "#c1121f" : "#111111")).toList();
    }

    private Table table(String message) {
        boolean over = outcome != null;
        List<String> shownDealer = over ? List.copyOf(dealer) : List.of(dealer.get(0), "??");
        int dealerTotal = over ? total(dealer) : total(List.of(dealer.get(0)));
        return new Table(List.copyOf(player), total(player), usableAce(player), shownDealer, dealerTotal,
                over ? List.of() : List.of(Move.HIT, Move.STAND), outcome, message);
    }

    @Override
    public HandState state() {
        return new HandState(episode.id(), episode.steps(), List.copyOf(player), outcome == null && !dealer.isEmpty()
                ? List.of(dealer.get(0), "??") : List.copyOf(dealer), deck.size(), outcome);
    }

    @Override
    public EnvironmentMetadata metadata() {
        return Readmes.metadata(getClass(), "BlackjackEnvironment", "One hand of blackjack per episode; seeded shuffle; dealer stands on 17.");
    }
}
