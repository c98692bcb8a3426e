package dev.openenv.runtime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.client.GenericEnvClient;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.runtime.internal.FreePorts;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ready checks on their own: what they report when the server never becomes ready. */
@Timeout(30)
class WaitTest {
    static WaitTarget at(String baseUrl) {
        return new WaitTarget() {
            public String baseUrl() {
                return baseUrl;
            }

            public Optional<String> failure() {
                return Optional.empty();
            }
        };
    }

    @Test
    void aResetWaitThatTimesOutNamesTheServersLastAnswer() {
        var provider = InProcessProvider.of(EchoEnvironment::new).withType(Echo.TYPE).withConfig(c -> c.withMaxConcurrentEnvs(1));
        try (var started = provider.start(); var holder = GenericEnvClient.connect(started.baseUrl())) {
            holder.reset(); // the only slot is taken for as long as the wait lasts
            assertThatThrownBy(() -> Wait.forReset().waitUntilReady(at(started.baseUrl()), Duration.ofMillis(800)))
                    .isInstanceOf(ProviderStartException.class)
                    .hasMessageContaining("not ready within 800 ms")
                    .hasMessageContaining("reset answered CAPACITY_REACHED: Server at capacity: 1/1");
        }
    }

    @Test
    void aHealthWaitOnNothingListeningGivesUpNamingWhy() {
        String url = "http://127.0.0.1:" + FreePorts.pick();
        assertThatThrownBy(() -> Wait.forHealth().waitUntilReady(at(url), Duration.ofMillis(500)))
                .isInstanceOf(ProviderStartException.class)
                .hasMessageContaining("not ready within 500 ms: GET " + url + "/health did not succeed; last problem: ConnectException");
    }

    @Test
    void aWaitStopsAtOnceWhenTheTargetFails() {
        WaitTarget dead = new WaitTarget() {
            public String baseUrl() {
                return "http://127.0.0.1:1";
            }

            public Optional<String> failure() {
                return Optional.of("exited with code 3");
            }
        };
        assertThatThrownBy(() -> Wait.forReset().waitUntilReady(dead, Duration.ofSeconds(20)))
                .isInstanceOf(ProviderStartException.class).hasMessage("the server exited with code 3 before it was ready");
    }
}
