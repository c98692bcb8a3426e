package dev.openenv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.core.EnvironmentType;
import dev.openenv.core.ResetRequest;
import dev.openenv.core.TaskProvider;
import dev.openenv.envs.gridworld.GridWorldEnvironment;
import dev.openenv.envs.wordle.WordleEnvironment;
import dev.openenv.server.EnvServer;
import dev.openenv.server.testing.LocalServers;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A trainer's loop over a split: list it, fetch tasks, reset into each, over the wire. */
@Timeout(60)
class TaskCatalogTest {
    @RegisterExtension
    final LocalServers servers = new LocalServers();
    EnvServer server;

    EnvServer serve(String name) {
        server = servers.startBundled(name, LocalServers.sessions(2));
        return server;
    }

    @Test
    void aWordleEpisodeCanBePlayedOnEachTestTask() {
        serve("wordle");
        var catalog = TaskCatalog.connect(server.baseUrl());
        assertThat(catalog.environment()).isEqualTo("wordle");
        assertThat(catalog.splits()).containsExactly(new TaskProvider.Split("train", "train"), new TaskProvider.Split("test", "test"));
        int n = catalog.count("test");
        assertThat(catalog.tasks("test")).hasSize(n);
        var type = EnvironmentType.of("wordle", WordleEnvironment.Guess.class, WordleEnvironment.Feedback.class, WordleEnvironment.GameState.class);
        Set<String> answers = new HashSet<>();
        try (var env = EnvClient.connect(server.baseUrl(), type)) {
            for (int i = 0; i < n; i++) {
                var puzzle = catalog.task("test", i, WordleEnvironment.Puzzle.class);
                answers.add(puzzle.answer());
                env.reset(ResetRequest.task("test", i));
                // the task is the episode's answer: guessing it wins at once
                var r = env.step(new WordleEnvironment.Guess(puzzle.answer()));
                assertThat(r.done()).as(puzzle.id()).isTrue();
                assertThat(r.reward()).isEqualTo(1.5);
            }
        }
        assertThat(answers).hasSize(n);
        // no test word is a training word
        assertThat(catalog.tasks("train")).extracting(t -> (Object) String.valueOf(((Map<?, ?>) t).get("answer"))).doesNotContainAnyElementsOf(List.copyOf(answers));
    }

    @Test
    void aServerWithATokenListsItsTasksToACatalogCarryingItAndRefusesOneWithout() {
        server = servers.closeAfter(EnvServer.builder(WordleEnvironment::new).authToken("s3cret")
                .config(c -> LocalServers.local()).start());
        assertThatThrownBy(() -> TaskCatalog.connect(server.baseUrl())).isInstanceOfSatisfying(ServerErrorException.class,
                e -> assertThat(e.rawCode()).isNotBlank());
        var withToken = ClientOptions.defaults().withHeaders(Map.of("Authorization", "Bearer s3cret"));
        var catalog = TaskCatalog.connect(server.baseUrl(), withToken);
        assertThat(catalog.count("test")).isPositive();
        assertThat(TaskCatalog.connect(server.baseUrl(), catalog.environment(), withToken).task("test", 0))
                .isEqualTo(catalog.task("test", 0));
    }

    @Test
    void aGridWorldTaskIsTheSameMazeEveryTime() {
        serve("gridworld");
        var catalog = TaskCatalog.connect(server.baseUrl(), "GridWorld");
        var maze = catalog.task("test", 7, GridWorldEnvironment.Maze.class);
        assertThat(maze.size()).isBetween(12, 20);
        assertThat(catalog.range("train", 0, 3)).hasSize(3);
        assertThat(catalog.range("train", -1, null)).containsExactly(catalog.task("train", 999));
        var type = EnvironmentType.of("gridworld", GridWorldEnvironment.Move.class, GridWorldEnvironment.View.class, GridWorldEnvironment.GridState.class);
        try (var env = EnvClient.connect(server.baseUrl(), type)) {
            env.reset(ResetRequest.task("test", 7));
            var first = env.state();
            env.reset(ResetRequest.seeded(1));
            env.reset(ResetRequest.task("test", 7));
            var again = env.state();
            assertThat(again.walls()).isEqualTo(first.walls());
            assertThat(again.size()).isEqualTo(maze.size());
            assertThat(again.seed()).isEqualTo(maze.seed());
        }
        assertThatThrownBy(() -> catalog.task("test", 100))
                .isInstanceOfSatisfying(ServerErrorException.class, e -> {
                    assertThat(e.serverMessage()).isEqualTo("Invalid task index");
                    assertThat(e.details()).containsEntry("status", 400);
                });
    }

    @Test
    void anEnvironmentWithoutTasksSaysSo() {
        serve("echo");
        var catalog = TaskCatalog.connect(server.baseUrl());
        assertThatThrownBy(catalog::splits).isInstanceOfSatisfying(ServerErrorException.class, e -> {
            assertThat(e.details()).containsEntry("status", 501);
            assertThat(e.serverMessage()).isEqualTo("list_splits is not supported for this environment");
        });
        assertThat(List.of(catalog.environment())).containsExactly("echo");
    }
}
