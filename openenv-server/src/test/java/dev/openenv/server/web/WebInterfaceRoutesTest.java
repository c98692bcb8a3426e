package dev.openenv.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.envs.echo.EchoEnvironment;
import dev.openenv.server.EnvServer;
import dev.openenv.server.ServerConfig;
import dev.openenv.server.testing.LocalServers;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What /web serves over plain HTTP, and that it is off unless asked for. */
@Timeout(60)
class WebInterfaceRoutesTest {
    @RegisterExtension
    final LocalServers servers = new LocalServers();
    EnvServer server;

    void start(ServerConfig config) {
        server = servers.start(EchoEnvironment::new, null, c -> config);
    }

    HttpResponse<String> get(String path) throws Exception {
        return servers.get(path);
    }

    @Test
    void offByDefaultForTheLibraryAndOnWithTheReferenceVariable() throws Exception {
        assertThat(ServerConfig.defaults().webInterface()).isFalse();
        assertThat(ServerConfig.fromEnvironment(Map.of()).webInterface()).isFalse();
        assertThat(ServerConfig.fromEnvironment(Map.of("ENABLE_WEB_INTERFACE", "true")).webInterface()).isTrue();
        assertThat(ServerConfig.fromEnvironment(Map.of("ENABLE_WEB_INTERFACE", "1")).webInterface()).isTrue();
        assertThat(ServerConfig.fromEnvironment(Map.of("ENABLE_WEB_INTERFACE", "false")).webInterface()).isFalse();

        start(ServerConfig.defaults());
        assertThat(get("/web/").statusCode()).isEqualTo(404);
        assertThat(get("/web").statusCode()).isEqualTo(404);
        assertThat(get("/").statusCode()).isEqualTo(404);
    }

    @Test
    void servesThePageWithRelativeRedirectsAndAStrictPolicy() throws Exception {
        start(ServerConfig.defaults().withWebInterface(true));
        var redirect = get("/web");
        assertThat(redirect.statusCode()).isEqualTo(307);
        assertThat(redirect.headers().firstValue("location")).hasValue("web/");
        assertThat(get("/").headers().firstValue("location")).hasValue("web/");

        var page = get("/web/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow()).contains("script-src 'self'");
        assertThat(page.body()).contains("<script src=\"app.js\"");
        assertThat(page.body()).doesNotContain("src=\"/").doesNotContain("href=\"/"); // relative only: path prefixes work

        var script = get("/web/app.js");
        assertThat(script.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(script.body()).contains("new URL(\"..\", location.href)");
        assertThat(get("/web/app.css").statusCode()).isEqualTo(200);
        assertThat(get("/web/form.js").statusCode()).isEqualTo(200);

        var missing = get("/web/secret.txt");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"detail\":\"Not Found\"}");
        assertThat(get("/web/%2e%2e%2fpom.xml").statusCode()).isEqualTo(404);

        // The protocol's own routes are unchanged by the UI.
        assertThat(get("/health").body()).isEqualTo("{\"status\":\"healthy\"}");
        assertThat(get("/schema").statusCode()).isEqualTo(200);
    }
}
