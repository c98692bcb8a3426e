package dev.openenv.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.envs.BundledEnvironments;
import dev.openenv.server.EnvServer;
import dev.openenv.server.ServerConfig;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** churn and soak against a real server: every slot freed, nothing reported as leaking, refusals counted as such. */
@Timeout(90)
class FaultToolsTest {
    EnvServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    void serve(int sessions) {
        BundledEnvironments.Entry entry = BundledEnvironments.find("bench").orElseThrow();
        server = EnvServer.builder(entry.factory()).types(entry.type()).config(ServerConfig.defaults().withHost("127.0.0.1")
                .withPort(0).withMaxConcurrentEnvs(sessions)).start();
    }

    @Test
    void churnLeavesNoSessionBehind() throws Exception {
        serve(64);
        var r = Churn.run(Churn.Plan.of(server.baseUrl(), 500, 8));
        assertThat(r.failures()).isEmpty();
        assertThat(r.served() + r.refused()).isEqualTo(500);
        assertThat(r.served()).isPositive();
        assertThat(r.freedMillis()).as(r.describe()).isBetween(0L, 10_000L);
        assertThat(r.clean()).isTrue();
        assertThat(server.activeSessions()).isZero();
    }

    @Test
    void atCapacityChurnIsRefusedNotFailed() throws Exception {
        serve(1);
        var r = Churn.run(Churn.Plan.of(server.baseUrl(), 200, 8));
        assertThat(r.failures()).as(r.describe()).isEmpty();
        assertThat(r.refused()).isPositive();
        assertThat(r.served() + r.refused()).isEqualTo(200);
        assertThat(server.activeSessions()).isZero();
    }

    @Test
    void aShortSoakFindsNoLeakAndEndsWithNoSession() throws Exception {
        serve(64);
        var r = Soak.run(new Soak.Plan(URI.create(server.baseUrl()), Duration.ofSeconds(20), 4, 20, Duration.ofSeconds(1), "{}",
                ProcessHandle.current().pid(), true));
        String table = Soak.describe(r);
        System.out.print(table);
        assertThat(r.failures()).as(table).isEmpty();
        assertThat(r.steps()).isGreaterThan(100);
        assertThat(r.churned()).isGreaterThan(100);
        assertThat(r.samples()).hasSizeGreaterThanOrEqualTo(18);
        assertThat(r.samples().get(1).gauges().threads()).isPositive();
        assertThat(r.samples().get(1).gauges().rssBytes()).isPositive();
        assertThat(r.sessionsAfter()).isZero();
        assertThat(r.samples().getLast().collected()).as("a full GC asked for with jcmd after the load").isTrue();
        assertThat(r.samples().stream().filter(Soak.Sample::collected)).hasSize(2);
        assertThat(r.clean()).as(table).isTrue();
    }

    @Test
    void growthBeyondToleranceIsReported() {
        var samples = new java.util.ArrayList<Soak.Sample>();
        for (int i = 0; i < 30; i++) {
            samples.add(new Soak.Sample(i, new ServerGauges(4, 20 + i * 2, 100, 1e8, 5e7, 2e8), i * 100, i * 10, false));
        }
        samples.add(new Soak.Sample(31, new ServerGauges(0, 80, 100, 1e8, 5e7, 2e8), 3000, 300, false));
        assertThat(Soak.growth(samples)).singleElement().asString().startsWith("threads grew");
    }

    @Test
    void liveHeapAfterTheLoadAboveItsFullGcFigureUnderLoadIsReported() {
        var samples = new java.util.ArrayList<Soak.Sample>();
        for (int i = 0; i < 30; i++) {
            samples.add(new Soak.Sample(i, new ServerGauges(4, 20, 100, 1e8, 0, 2e8), i * 100, i * 10, i == 3));
        }
        samples.add(new Soak.Sample(31, new ServerGauges(0, 20, 100, 1e8, 20e6 + 60e6, 2e8), 3000, 300, true));
        assertThat(Soak.growth(samples)).anySatisfy(g -> assertThat(g).startsWith("live heap after a full GC"));
        samples.set(30, new Soak.Sample(31, new ServerGauges(0, 20, 100, 1e8, 0, 2e8), 3000, 300, true));
        assertThat(Soak.growth(samples)).isEmpty();
    }

    @Test
    void aServerWithoutMetricsIsSeenThroughProcWhenItsPidIsGiven() throws Exception {
        int closedPort;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // nothing listens there once closed: no /metrics
        }
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            URI base = URI.create("http://127.0.0.1:" + closedPort);
            ServerGauges seen = ServerGauges.read(http, base, ProcessHandle.current().pid());
            assertThat(seen.sessions()).isNaN();
            assertThat(seen.liveBytes()).isNaN();
            // every platform thread is a native one (and the JVM has more of its own); a few may have ended meanwhile
            assertThat(seen.threads()).isGreaterThanOrEqualTo(java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount() - 5);
            assertThat(seen.fds()).isPositive();
            assertThat(seen.rssBytes()).isGreaterThan(Runtime.getRuntime().totalMemory() / 4);
            assertThat(ServerGauges.read(http, base, 0).threads()).isNaN();
        }
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(dev.openenv.bench.MainAccess.duration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(dev.openenv.bench.MainAccess.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(dev.openenv.bench.MainAccess.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(dev.openenv.bench.MainAccess.duration("2")).isEqualTo(Duration.ofSeconds(2));
    }
}
