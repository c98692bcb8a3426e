package dev.openenv.envs.connect4;

import dev.openenv.core.StepResult;
import dev.openenv.core.rubric.ExponentialDiscountingTrajectoryRubric;
import dev.openenv.core.rubric.Rubric;
import dev.openenv.envs.connect4.ConnectFourEnvironment.Board;
import dev.openenv.envs.connect4.ConnectFourEnvironment.Drop;

/**
 * Connect Four's reward as a rubric: {@code -0.1} for a refused move, otherwise the game's outcome once it
 * is decided ({@code +1} win, {@code -1} loss, {@code 0} draw) and {@code 0} before; a move after the end
 * scores {@code 0}. Parts, by path:
 * <ul>
 *   <li>{@code legal_move}: 1 when the board took the disc, 0 when the move was refused;</li>
 *   <li>{@code outcome}: a trajectory rubric over the legal moves that scores the finished game and
 *       discounts it back to each move with {@code gamma = 0.99} ({@code computeStepRewards()}).</li>
 * </ul>
 */
public final class ConnectFourRubric extends Rubric<Drop, StepResult<Board>> {
    /** What a refused move (full or missing column) costs. */
    public static final double ILLEGAL_MOVE = -0.1;

    // A legal move either ends the game or is answered by the opponent; a refused one is neither.
    private final Rubric<Drop, StepResult<Board>> legalMove = register("legal_move",
            Rubric.of((drop, step) -> step.done() || step.observation().opponentColumn() >= 0 ? 1.0 : 0.0));
    private final ExponentialDiscountingTrajectoryRubric<Drop, Board> outcome = register("outcome",
            ExponentialDiscountingTrajectoryRubric.<Drop, Board>of(0.99, 0.0, trajectory ->
                    switch (String.valueOf(trajectory.getLast().result().observation().winner())) {
                        case "agent" -> 1.0;
                        case "opponent" -> -1.0;
                        default -> 0.0;
                    }));

    /** A fresh rubric, as the environment makes one per instance. */
    public ConnectFourRubric() {}

    @Override
    protected double forward(Drop drop, StepResult<Board> step) {
        var played = outcome.trajectory();
        if (!played.isEmpty() && played.getLast().result().done()) {
            return 0.0;   // the game ended on an earlier step; this one changes nothing
        }
        if (legalMove.score(drop, step) == 0.0) {
            return ILLEGAL_MOVE;
        }
        return outcome.score(drop, step);
    }

    /** The outcome part, for its discounted per-move rewards. */
    public ExponentialDiscountingTrajectoryRubric<Drop, Board> outcome() {
        return outcome;
    }
}
