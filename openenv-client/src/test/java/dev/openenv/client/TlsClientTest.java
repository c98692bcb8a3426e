package dev.openenv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openenv.core.BasicState;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.ResetRequest;
import dev.openenv.envs.echo.EchoAction;
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.envs.echo.EchoObservation;
import dev.openenv.server.EnvServer;
import dev.openenv.server.testing.LocalServers;
import dev.openenv.server.testing.SelfSignedPem;
import dev.openenv.server.testing.WireTypes;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every transport plays over TLS with a context that trusts the server, and fails cleanly without one. */
@Timeout(60)
class TlsClientTest {
    static final EnvironmentType<EchoAction, EchoObservation, BasicState> ECHO = WireTypes.ECHO;
    @TempDir
    static Path dir;
    static SelfSignedPem pem;

    @RegisterExtension
    final LocalServers servers = new LocalServers();

    @BeforeAll
    static void certificate() throws Exception {
        pem = SelfSignedPem.create(dir);
    }

    EnvServer start() {
        return servers.closeAfter(EnvServer.builder(EchoEnvironment::new).types(ECHO)
                .config(LocalServers.local().withMaxConcurrentEnvs(4)).tls(pem.cert(), pem.key()).start());
    }

    @ParameterizedTest
    @EnumSource(ClientOptions.Transport.class)
    void playsAnEpisodeOverTls(ClientOptions.Transport transport) throws Exception {
        EnvServer server = start();
        var options = ClientOptions.defaults().withTransport(transport).withSslContext(pem.trustingIt());
        try (var client = EnvClient.connect(server.baseUrl(), ECHO, options)) {
            client.reset(ResetRequest.seeded(1));
            assertThat(client.step(new EchoAction("over tls")).observation()).isEqualTo(new EchoObservation("over tls", 8));
        }
        assertThat(server.baseUrl()).startsWith("https://");
    }

    @ParameterizedTest
    @EnumSource(ClientOptions.Transport.class)
    void withoutTrustTheConnectionFailsWithAClientException(ClientOptions.Transport transport) {
        EnvServer server = start();
        var options = ClientOptions.defaults().withTransport(transport);
        assertThatThrownBy(() -> {
            try (var client = EnvClient.connect(server.baseUrl(), ECHO, options)) {
                client.reset(ResetRequest.seeded(1));
            }
        }).isInstanceOf(EnvClientException.class);
        assertThat(server.activeSessions()).isZero();
    }
}
