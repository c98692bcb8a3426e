package agent;

import dev.openenv.server.EnvServer;

/**
 * Serves {@link Arithmetic} on a free port and asks the model (OPENAI_BASE_URL, OPENAI_API_KEY,
 * OPENAI_MODEL) a question it should answer with the environment's tools.
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        String question = args.length > 0 ? String.join(" ", args) : "What is 17 times 23? Use the tools.";
        try (var server = EnvServer.builder(Arithmetic::new).config(c -> c.withHost("127.0.0.1").withPort(0)).start();
             var agent = new Agent(server.baseUrl(), Agent.ModelEndpoint.fromEnvironment())) {
            System.out.println(agent.ask(question));
        }
    }
}
