package dev.openenv.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The four launching providers take their shared options the same way, into one StartupOptions. */
@Timeout(10)
class ProviderBuilderTest {
    static final Consumer<String> LOGS = line -> { };

    /** Sets every shared option and reads back what the built provider carries. */
    static <B extends ProviderBuilder<B>> StartupOptions configured(B builder, Function<B, StartupOptions> build) {
        return build.apply(builder.env("A", "1").env(Map.of("B", "2", "A", "3")).startupTimeout(Duration.ofSeconds(7))
                .waitingFor(Wait.forHealth()).stopTimeout(Duration.ofSeconds(2)));
    }

    @Test
    void everyBuilderPutsTheSharedOptionsIntoItsProvidersStartupOptions() {
        var all = List.of(
                configured(ProcessProvider.builder("server").logConsumer(LOGS), b -> b.build().startup()),
                configured(SandboxProvider.builder("server").logConsumer(LOGS), b -> b.build().startup()),
                configured(ContainerProvider.builder("image").logConsumer(LOGS), b -> b.build().startup()),
                configured(KubernetesProvider.builder("image"), b -> b.build().startup()));
        for (StartupOptions options : all) {
            assertThat(options.environment()).containsExactly(Map.entry("A", "3"), Map.entry("B", "2"));
            assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(7));
            assertThat(options.stopTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(options.waitStrategy()).isNotNull();
        }
        assertThat(all.subList(0, 3)).allSatisfy(o -> assertThat(o.logConsumer()).isSameAs(LOGS));
    }

    @Test
    void eachProviderKeepsItsOwnDefaults() {
        assertThat(ProcessProvider.builder("server").build().startup().stopTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(SandboxProvider.builder("server").build().startup().stopTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ContainerProvider.builder("image").build().startup().stopTimeout()).isEqualTo(Duration.ofSeconds(10));
        var k8s = KubernetesProvider.builder("image").build().startup();
        assertThat(k8s.timeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(k8s.stopTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ProcessProvider.builder("server").build().startup().timeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void severalOptionsChangeAtOnceThroughTheEscapeHatch() {
        var options = ProcessProvider.builder("server")
                .startup(s -> s.withTimeout(Duration.ofSeconds(3)).withStopTimeout(Duration.ZERO)).build().startup();
        assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(options.stopTimeout()).isZero();
    }

    @Test
    void kubernetesRefusesALogConsumerItWouldNeverCall() {
        assertThatThrownBy(() -> KubernetesProvider.builder("image").logConsumer(LOGS).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not streamed");
    }

    @Test
    void aSandboxPolicyWithAnUnboundedTmpIsRefused() {
        assertThatThrownBy(() -> SandboxPolicy.defaults().withTmpBytes(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/tmp");
    }
}
