package __PACKAGE__;

import dev.openenv.server.EnvServer;

/**
 * Serves the environment over HTTP and WebSocket on $PORT (default 8000), like upstream's server. The
 * reference's variables apply: HOST, PORT, MAX_CONCURRENT_ENVS, OPENENV_MODE, ENABLE_WEB_INTERFACE.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        EnvServer server = EnvServer.serve(__CLASS__Environment::new);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        System.out.println("__NAME__: serving on " + server.baseUrl());
        Thread.currentThread().join();   // until SIGINT/SIGTERM runs the shutdown hook
    }
}
