package dev.openenv.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.envs.BundledEnvironments;
import dev.openenv.server.EnvServer;
import dev.openenv.server.ServerConfig;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The load generator against a real server: counts what succeeded and classifies what failed. No timing asserted. */
@Timeout(60)
class LoadGeneratorTest {
    EnvServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    void serve(int sessions, Duration stepTimeout) {
        BundledEnvironments.Entry entry = BundledEnvironments.find("bench").orElseThrow();
        server = EnvServer.builder(entry.factory()).types(entry.type()).config(ServerConfig.defaults().withHost("127.0.0.1")
                .withPort(0).withMaxConcurrentEnvs(sessions).withStepTimeout(stepTimeout)).start();
    }

    @Test
    void everySessionResetsAndStepsToTheEnd() throws Exception {
        serve(16, null);
        try (var gen = new LoadGenerator(LoadGenerator.Plan.of(server.baseUrl(), 8, 25, 0))) {
            var r = gen.run();
            assertThat(r.succeeded()).isEqualTo(8);
            assertThat(r.stepsDone()).isEqualTo(200);
            assertThat(r.failures()).isEmpty();
            assertThat(r.p50Micros()).isPositive().isLessThanOrEqualTo(r.p99Micros());
            assertThat(r.maxMicros()).isGreaterThanOrEqualTo(r.p99Micros());
        }
    }

    @Test
    void sessionsBeyondCapacityAreCountedAsCapacityFailures() throws Exception {
        serve(3, null);
        try (var gen = new LoadGenerator(LoadGenerator.Plan.of(server.baseUrl(), 5, 2, 0).holdingSessions())) {
            var r = gen.run();
            assertThat(r.succeeded()).isEqualTo(3);
            assertThat(r.failures()).containsEntry("error_CAPACITY_REACHED", 2L);
            assertThat(r.successRate()).isEqualTo(0.6);
        }
    }

    @Test
    void aServerErrorEndsThatSessionWithItsCode() throws Exception {
        serve(4, Duration.ofMillis(100));
        var plan = LoadGenerator.Plan.of(server.baseUrl(), 2, 2, 0.5); // every step outlives the 100 ms budget
        try (var gen = new LoadGenerator(plan)) {
            var r = gen.run();
            assertThat(r.succeeded()).isZero();
            assertThat(r.failures()).containsEntry("error_EXECUTION_ERROR", 2L);
        }
    }

    @Test
    void aServerThatIsNotThereIsAConnectFailure() throws Exception {
        serve(1, null);
        String url = server.baseUrl();
        server.close();
        server = null;
        try (var gen = new LoadGenerator(LoadGenerator.Plan.of(url, 2, 1, 0))) {
            var r = gen.run();
            assertThat(r.succeeded()).isZero();
            assertThat(r.failures().keySet()).allMatch(k -> k.startsWith("connect_"));
        }
    }
}
