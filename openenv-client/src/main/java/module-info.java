/**
 * The Java client of any OpenEnv server: {@code EnvClient} (typed), {@code GenericEnvClient} (JSON maps),
 * {@code McpToolClient} (tools), and {@code EnvProvider}, the hook runtime providers implement to start a
 * server somewhere. The wire plumbing in {@code dev.openenv.client.internal} is not API.
 */
module dev.openenv.client {
    requires transitive dev.openenv.core;
    requires java.net.http;
    requires io.netty.buffer;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;

    exports dev.openenv.client;
}
