package calculator;

import dev.openenv.server.EnvServer;

/** Serves the calculator on $PORT (8000): tools through step() and MCP JSON-RPC on /mcp. */
public final class Main {
    public static void main(String[] args) {
        EnvServer.serve(Calculator::new);
    }
}
