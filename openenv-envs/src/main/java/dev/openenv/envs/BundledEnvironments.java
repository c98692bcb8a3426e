package dev.openenv.envs;

import dev.openenv.core.BasicState;
import dev.openenv.core.Environment;
import dev.openenv.core.EnvironmentType;
import dev.openenv.envs.bench.BenchEnvironment;
import dev.openenv.envs.echo.EchoAction;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.envs.echo.EchoObservation;
import dev.openenv.core.mcp.McpAction;
import dev.openenv.core.mcp.McpObservation;
import dev.openenv.envs.blackjack.BlackjackEnvironment;
import dev.openenv.envs.coding.CodingEnvironment;
import dev.openenv.envs.connect4.ConnectFourEnvironment;
import dev.openenv.envs.echomcp.EchoMcpEnvironment;
import dev.openenv.envs.gridworld.GridWorldEnvironment;
import dev.openenv.envs.snake.SnakeEnvironment;
import dev.openenv.envs.wordle.WordleEnvironment;
import dev.openenv.envs.fault.FaultAction;
import dev.openenv.envs.fault.FaultEnvironment;
import dev.openenv.envs.fault.FaultObservation;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The environments that ship with OpenEnv for Java, by the name {@code openenv serve NAME} takes. */
public final class BundledEnvironments {

    /**
     * One bundled environment: its name, a line about it, its wire types, its factory, and whether
     * several sessions may run at once (each with its own instance).
     */
    public record Entry<A extends dev.openenv.core.Action, O, S extends dev.openenv.core.State>(
            String name, String summary, EnvironmentType<A, O, S> type, Supplier<? extends Environment<A, O, S>> factory,
            boolean concurrentSessions) {

        Entry(String name, String summary, EnvironmentType<A, O, S> type, Supplier<? extends Environment<A, O, S>> factory) {
            this(name, summary, type, factory, true);
        }
    }

    private static final List<Entry<?, ?, ?>> ALL = List.of(
            new Entry<>("echo", "echoes messages back; reward 0.1 per character",
                    EnvironmentType.of("echo", EchoAction.class, EchoObservation.class, BasicState.class), EchoEnvironment::new),
            new Entry<>("echo-mcp", "the reference's MCP echo: tools echo_message and echo_with_length",
                    EnvironmentType.of("echo_env", McpAction.class, McpObservation.class, BasicState.class), EchoMcpEnvironment::new),
            new Entry<>("gridworld", "seeded maze, full or partial view, shaped rewards",
                    EnvironmentType.of("gridworld", GridWorldEnvironment.Move.class, GridWorldEnvironment.View.class,
                            GridWorldEnvironment.GridState.class), GridWorldEnvironment::new),
            new Entry<>("connect4", "Connect Four against a random, greedy or minimax opponent",
                    EnvironmentType.of("connect4", ConnectFourEnvironment.Drop.class, ConnectFourEnvironment.Board.class,
                            ConnectFourEnvironment.GameState.class), ConnectFourEnvironment::new),
            new Entry<>("blackjack", "one hand of blackjack per episode, seeded shuffle",
                    EnvironmentType.of("blackjack", BlackjackEnvironment.Play.class, BlackjackEnvironment.Table.class,
                            BlackjackEnvironment.HandState.class), BlackjackEnvironment::new),
            new Entry<>("wordle", "guess the five-letter word in six tries",
                    EnvironmentType.of("wordle", WordleEnvironment.Guess.class, WordleEnvironment.Feedback.class,
                            WordleEnvironment.GameState.class), WordleEnvironment::new),
            new Entry<>("snake", "snake on a configurable grid",
                    EnvironmentType.of("snake", SnakeEnvironment.Turn.class, SnakeEnvironment.Frame.class,
                            SnakeEnvironment.SnakeState.class), SnakeEnvironment::new),
            new Entry<>("coding", "runs Python or JShell code in a bubblewrap sandbox",
                    EnvironmentType.of("coding", CodingEnvironment.CodeAction.class, CodingEnvironment.CodeObservation.class,
                            CodingEnvironment.CodeState.class), CodingEnvironment::new),
            new Entry<>("bench", "the reference scaling study's benchmark env: echoes payload after wait_seconds",
                    EnvironmentType.of("bench_env", BenchEnvironment.BenchAction.class, BenchEnvironment.BenchObservation.class,
                            BasicState.class), BenchEnvironment::new),
            new Entry<>("fault", "fails on demand, for testing error handling",
                    EnvironmentType.of("fault", FaultAction.class, FaultObservation.class, BasicState.class), FaultEnvironment::new));

    private BundledEnvironments() {}

    public static List<Entry<?, ?, ?>> all() {
        return ALL;
    }

    public static Optional<Entry<?, ?, ?>> find(String name) {
        return ALL.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
