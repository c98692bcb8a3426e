package dev.openenv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.envs.echo.EchoAction;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.server.EnvServer;
import dev.openenv.server.testing.LocalServers;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class StartWithProviderTest {
    /** A provider that serves the echo environment in this JVM and counts how often it was stopped. */
    static final class CountingProvider implements EnvProvider {
        final AtomicInteger stopped = new AtomicInteger();
        EnvServer server;

        @Override
        public RunningEnv start() {
            server = EnvServer.builder(EchoEnvironment::new).types(EnvClientTest.ECHO).config(LocalServers.local().withMaxConcurrentEnvs(2)).start();
            return new RunningEnv() {
                public String baseUrl() {
                    return server.baseUrl();
                }

                public void close() {
                    stopped.incrementAndGet();
                    server.close();
                }
            };
        }
    }

    @Test
    void closingAStartedTypedClientStopsItsServer() {
        var provider = new CountingProvider();
        try (var env = EnvClient.start(provider, EnvClientTest.ECHO)) {
            env.reset();
            assertThat(env.step(new EchoAction("Hi")).reward()).isEqualTo(0.2);
            assertThat(provider.stopped).hasValue(0);
        }
        assertThat(provider.stopped).hasValue(1);
        assertThatThrownBy(() -> GenericEnvClient.connect(provider.server.baseUrl()))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void closingAStartedGenericClientStopsItsServerOnce() {
        var provider = new CountingProvider();
        var env = GenericEnvClient.start(provider);
        env.reset();
        assertThat(env.step(Map.of("message", "abc")).observation()).containsEntry("message_length", 3);
        env.close();
        env.close();
        assertThat(provider.stopped).hasValue(1);
    }

    @Test
    void aServerThatCannotBeReachedIsStoppedBeforeTheErrorPropagates() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var stopped = new AtomicInteger();
        EnvProvider unreachable = () -> new RunningEnv() {
            public String baseUrl() {
                return "http://127.0.0.1:" + closedPort;
            }

            public void close() {
                stopped.incrementAndGet();
            }
        };
        assertThatThrownBy(() -> EnvClient.start(unreachable, EnvClientTest.ECHO)).isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> GenericEnvClient.start(unreachable)).isInstanceOf(ConnectException.class);
        assertThat(stopped).hasValue(2);
    }
}
