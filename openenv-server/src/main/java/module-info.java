/**
 * The OpenEnv server: {@link dev.openenv.server.EnvServer} serves an environment over HTTP, WebSocket and
 * MCP on Helidon 4. Only {@code dev.openenv.server} is API; how a request is parsed ({@code http},
 * {@code ws}, {@code mcp}), where a session lives ({@code session}) and the web UI ({@code web}) are not.
 */
module dev.openenv.server {
    requires transitive dev.openenv.core;
    requires io.helidon.webserver;
    requires io.helidon.webserver.websocket;
    requires io.helidon.websocket;
    requires io.helidon.http;
    requires io.helidon.common.buffers;
    requires io.helidon.common.tls;
    requires io.helidon.common.pki;
    requires io.helidon.common.configurable;
    requires java.management;
    requires jdk.management;
    requires jdk.unsupported; // com.sun.nio.file.ExtendedOpenOption.DIRECT for record files
    requires micrometer.core;
    requires micrometer.registry.prometheus;

    exports dev.openenv.server;
}
