package client;

// README begin
import dev.openenv.client.EnvClient;          // openenv-client
import dev.openenv.client.GenericEnvClient;
import dev.openenv.core.*;
import dev.openenv.envs.echo.EchoAction;      // openenv-envs: the bundled environments' types
import dev.openenv.envs.echo.EchoObservation;
import java.util.Map;
// README end
import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.server.EnvServer;

/**
 * The README's client quick start. With a URL argument it plays the echo environment served there (for
 * example by {@code ./openenv serve echo}); without one it starts an echo server of its own first.
 */
public final class Main {
    public static void main(String[] args) {
        if (args.length > 0) {
            play(args[0]);
            return;
        }
        try (var server = EnvServer.builder(EchoEnvironment::new)
                .config(c -> c.withHost("127.0.0.1").withPort(0)).start()) {
            play(server.baseUrl());
        }
    }

    static void play(String baseUrl) {
        // README begin
        var echo = EnvironmentType.of("echo", EchoAction.class, EchoObservation.class, BasicState.class);
        try (var env = EnvClient.connect(baseUrl, echo)) {   // baseUrl: e.g. "http://localhost:8000"
            env.reset(42);   // or env.reset(ResetRequest.seeded(42).withOption("difficulty", "hard"))
            StepResult<EchoObservation> r = env.step(new EchoAction("Hello"));
            System.out.println(r.observation().echoedMessage() + " " + r.reward());   // Hello 0.5
            System.out.println(env.state().stepCount());                                // 1
        }
        // No Java types for the server? GenericEnvClient speaks JSON maps:
        try (var env = GenericEnvClient.connect(baseUrl)) {
            env.reset();
            env.stepAsync(Map.of("message", "hi")).thenAccept(r -> System.out.println(r.observation())).join();
        }
        // README end
    }
}
