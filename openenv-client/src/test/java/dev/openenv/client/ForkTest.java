package dev.openenv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.core.EnvironmentType;
import dev.openenv.envs.connect4.ConnectFourEnvironment;
import dev.openenv.envs.connect4.ConnectFourEnvironment.Board;
import dev.openenv.envs.connect4.ConnectFourEnvironment.Drop;
import dev.openenv.envs.connect4.ConnectFourEnvironment.GameState;
import dev.openenv.server.EnvServer;
import dev.openenv.server.testing.Await;
import dev.openenv.server.testing.LocalServers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Fork (ours): copies of one Connect Four episode in new sessions, each played on its own. */
@Timeout(120)
class ForkTest {
    static final EnvironmentType<Drop, Board, GameState> CONNECT4 =
            EnvironmentType.of("connect4", Drop.class, Board.class, GameState.class);

    @RegisterExtension
    final LocalServers servers = new LocalServers();

    @Test
    void eightBranchesFromOnePositionPlayToEightIndependentEndsAndLeaveTheOriginalAlone() {
        EnvServer server = servers.start(ConnectFourEnvironment::new, CONNECT4, LocalServers.sessions(9));
        try (var original = EnvClient.connect(server.baseUrl(), CONNECT4)) {
            original.reset(dev.openenv.core.ResetRequest.seeded(42).withOption("opponent", "random"));
            original.step(new Drop(3));
            original.step(new Drop(3));
            GameState before = original.state();

            List<EnvClient<Drop, Board, GameState>> branches = original.fork(8);
            assertThat(server.activeSessions()).isEqualTo(9);
            List<String> endings = new ArrayList<>();
            Set<String> episodeIds = new HashSet<>();
            try {
                for (int i = 0; i < branches.size(); i++) {
                    var branch = branches.get(i);
                    GameState start = branch.state();
                    assertThat(start.board()).as("branch %d starts where the original is", i).isEqualTo(before.board());
                    assertThat(start.stepCount()).isEqualTo(before.stepCount());
                    episodeIds.add(start.episodeId());
                    endings.add(playOut(branch, new Random(i)));
                }
            } finally {
                branches.forEach(EnvClient::close);
            }
            assertThat(episodeIds).as("a fork continues the same episode").containsExactly(before.episodeId());
            assertThat(endings).hasSize(8);
            assertThat(new HashSet<>(endings)).as("branches played differently end differently").hasSizeGreaterThan(4);

            GameState after = original.state();
            assertThat(after).as("the original is unaffected by its branches").isEqualTo(before);
            assertThat(original.step(new Drop(0)).observation().board()).isNotEqualTo(before.board());
            Await.until("the branches' sessions are closed with their clients", () -> server.activeSessions() == 1);
        }
    }

    @Test
    void aForkReplaysExactlySoTheSameMovesGiveTheSameOpponentReplies() {
        EnvServer server = servers.start(ConnectFourEnvironment::new, CONNECT4, LocalServers.sessions(4));
        try (var original = EnvClient.connect(server.baseUrl(), CONNECT4)) {
            original.reset(dev.openenv.core.ResetRequest.none().withOption("opponent", "random")); // unseeded
            original.step(new Drop(2));
            List<EnvClient<Drop, Board, GameState>> twins = original.fork(2);
            try {
                Board a = twins.get(0).step(new Drop(5)).observation();
                Board b = twins.get(1).step(new Drop(5)).observation();
                assertThat(a).as("the opponent's random generator is forked too").isEqualTo(b);
            } finally {
                twins.forEach(EnvClient::close);
            }
        }
    }

    @Test
    void forkingFromAnHttpClientAndFailuresSayWhy() {
        EnvServer server = servers.start(ConnectFourEnvironment::new, CONNECT4, LocalServers.sessions(3));
        var http = ClientOptions.defaults().withTransport(ClientOptions.Transport.HTTP);
        try (var original = GenericEnvClient.connect(server.baseUrl(), http)) {
            original.reset();
            original.step(Map.of("column", 1));
            var forks = original.fork(1);
            try {
                assertThat(forks.get(0).state()).isEqualTo(original.state());
            } finally {
                forks.forEach(GenericEnvClient::close);
            }
            assertThatThrownBy(() -> original.fork(5)).as("more than capacity: none are opened")
                    .isInstanceOf(EnvClientException.class).hasMessageContaining("capacity");
            Await.until("nothing leaked", () -> server.activeSessions() == 1);
        }
        var echo = servers.startBundled("echo", LocalServers.sessions(3));
        try (var client = GenericEnvClient.connect(echo.baseUrl())) {
            client.reset();
            assertThatThrownBy(() -> client.fork(2)).isInstanceOf(EnvClientException.class)
                    .hasMessageContaining("fork is not supported for this environment");
        }
    }

    /** Plays random legal columns to the end; the final board as text. */
    private static String playOut(EnvClient<Drop, Board, GameState> branch, Random policy) {
        for (int moves = 0; moves < 42; moves++) {
            List<Integer> legal = legalColumns(branch.state());
            var result = branch.step(new Drop(legal.get(policy.nextInt(legal.size()))));
            if (result.done()) {
                return result.observation().board() + " " + result.observation().winner();
            }
        }
        throw new AssertionError("no end after 42 moves");
    }

    private static List<Integer> legalColumns(GameState state) {
        List<Integer> legal = new ArrayList<>();
        for (int c = 0; c < 7; c++) {
            if (state.board().get(0).get(c) == 0) {
                legal.add(c);
            }
        }
        return legal;
    }
}
