package dev.openenv.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.BasicState;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.json.WireCodec;
import dev.openenv.server.EnvServer;
import dev.openenv.server.ServerConfig;
import dev.openenv.server.testing.LocalServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;

/** The /web UI played in a real headless Chromium against a real server. */
@Timeout(120)
class WebInterfaceBrowserTest {
    static Browser browser;
    @RegisterExtension
    final LocalServers servers = new LocalServers();
    EnvServer server;

    @BeforeAll
    static void startBrowser() {
        browser = new Browser();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void stopServer() {
        // Leave one blank tab so the next test starts from a clean page.
        var handles = List.copyOf(browser.driver.getWindowHandles());
        for (int i = 1; i < handles.size(); i++) {
            browser.driver.switchTo().window(handles.get(i)).close();
        }
        browser.driver.switchTo().window(handles.get(0)).get("about:blank");
    }

    EnvServer serve(String name, int sessions) {
        server = servers.startBundled(name, c -> config(c, sessions));
        return server;
    }

    static ServerConfig config(ServerConfig local, int sessions) {
        return local.withMaxConcurrentEnvs(sessions).withWebInterface(true);
    }

    static JsonNode json(String text) {
        return WireCodec.standard().parse(text);
    }

    void reset(String seed) {
        browser.byId("seed").clear();
        if (seed != null) {
            browser.byId("seed").sendKeys(seed);
        }
        browser.andWaitForUpdate(() -> browser.byId("reset").click());
        assertThat(browser.byId("form-error").getText()).isEmpty();
        assertThat(browser.historyRows()).isEmpty();
    }

    void step(int expectedRows) {
        browser.andWaitForUpdate(() -> browser.byId("step").click());
        assertThat(browser.byId("form-error").getText()).isEmpty();
        assertThat(browser.historyRows()).hasSize(expectedRows);
    }

    @Test
    void echoEpisodeUpdatesObservationHistoryAndChart() {
        serve("echo", 4);
        browser.open(server.baseUrl() + "/web");                 // the redirect to /web/ included
        browser.waitConnected();
        assertThat(browser.byId("env-name").getText()).isEqualTo("EchoEnvironment");
        assertThat(browser.byId("env-description").getText()).contains("0.1 per character");
        assertThat(browser.driver.findElement(By.cssSelector("[data-field='message'] label")).getText())
                .as("required fields are marked").contains("*");

        reset("7");
        browser.type("message", "hello web");
        step(1);
        JsonNode observation = json(browser.byId("observation").getAttribute("textContent"));
        assertThat(observation.path("echoed_message").asString()).isEqualTo("hello web");
        assertThat(observation.path("message_length").asInt()).isEqualTo(9);
        assertThat(browser.byId("reward").getText()).isEqualTo("0.9");
        assertThat(browser.byId("done").getText()).isEqualTo("false");

        browser.type("message", "héllo ✓✓");
        step(2);
        var rows = browser.historyRows();
        assertThat(rows.get(0).getText()).contains("hello web").contains("0.9");
        assertThat(rows.get(1).getText()).contains("héllo ✓✓").contains("0.8");
        var points = browser.chartPoints();
        assertThat(points).hasSize(2);
        assertThat(points.get(0).getAttribute("data-reward")).isEqualTo("0.9");
        assertThat(points.get(1).getAttribute("data-reward")).isEqualTo("0.8");
        assertThat(browser.driver.findElements(By.cssSelector("#chart polyline.line"))).hasSize(1);
        assertThat(json(browser.byId("state").getText()).path("step_count").asInt()).isEqualTo(2);
        assertThat(browser.byId("readme").getAttribute("textContent")).contains("echo");

        reset(null);
        assertThat(browser.historyRows()).isEmpty();
        assertThat(browser.chartPoints()).isEmpty();
    }

    @Test
    void gameShowsValidationErrorsByTheFieldAndReplaysASeed() throws Exception {
        serve("connect4", 4);
        browser.open(server.baseUrl() + "/web/");
        browser.waitConnected();

        reset("11");
        String seeded = browser.byId("observation").getAttribute("textContent");
        browser.type("column", "3");
        step(1);
        JsonNode board = json(browser.byId("observation").getAttribute("textContent"));
        assertThat(board.path("board")).hasSize(6);
        assertThat(board.path("board").path(5).path(3).asInt()).as("our disc at the bottom of column 3").isEqualTo(1);
        int opponent = board.path("opponent_column").asInt();
        assertThat(opponent).isBetween(0, 6);

        // An empty required field is sent as missing: the server's message appears next to that field.
        browser.field("column").clear();
        browser.byId("step").click();
        browser.waitFor(d -> !browser.fieldError("column").isEmpty());
        assertThat(browser.fieldError("column")).isEqualTo("Field required");
        assertThat(browser.driver.findElement(By.cssSelector("[data-field='column']")).getAttribute("class")).contains("invalid");
        assertThat(browser.byId("form-error").getText()).isEmpty();
        assertThat(browser.historyRows()).hasSize(1);

        // A bad value the server accepts as a move is answered in the observation, and the error clears.
        browser.type("column", "9");
        step(2);
        assertThat(browser.fieldError("column")).isEmpty();
        assertThat(json(browser.byId("observation").getAttribute("textContent")).path("message").asString()).contains("legal columns");
        assertThat(browser.byId("reward").getText()).isEqualTo("-0.1");

        browser.type("column", "2");
        step(3);
        browser.type("column", "4");
        step(4);
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1350));
        Path shot = Path.of("target", "web-ui-connect4.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, browser.driver.getScreenshotAs(OutputType.BYTES));
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1000));

        // The same seed gives the same episode start; another play gives the same opponent reply.
        reset("11");
        assertThat(browser.byId("observation").getAttribute("textContent")).isEqualTo(seeded);
        browser.type("column", "3");
        step(1);
        assertThat(json(browser.byId("observation").getAttribute("textContent")).path("opponent_column").asInt()).isEqualTo(opponent);
    }

    /** Each game's picture of its state replaces the raw JSON; a screenshot of each goes to target/screenshots. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"connect4,column,3", "gridworld,action,RIGHT", "snake,direction,UP",
            "wordle,guess,about", "blackjack,action,hit"})
    void gamesShowTheirRenderedBoard(String env, String field, String value) throws Exception {
        serve(env, 4);
        browser.open(server.baseUrl() + "/web/");
        browser.waitConnected();
        reset("5");
        WebElement picture = browser.byId("picture");
        assertThat(picture.isDisplayed()).as("the rendering is shown after reset").isTrue();
        assertThat(picture.getAttribute("data-format")).isEqualTo("svg");
        String before = browser.driver.findElement(By.cssSelector("#picture img")).getAttribute("src");
        assertThat(before).startsWith("data:image/svg+xml;base64,");
        assertThat(browser.byId("observation").isDisplayed()).as("raw JSON folded away").isFalse();

        if (browser.field(field).getTagName().equals("select")) {
            new Select(browser.field(field)).selectByVisibleText(value);
        } else {
            browser.type(field, value);
        }
        step(1);
        String after = browser.driver.findElement(By.cssSelector("#picture img")).getAttribute("src");
        assertThat(after).as("the picture follows the step").isNotEqualTo(before);
        Number width = (Number) browser.script("return document.querySelector('#picture img').naturalWidth");
        assertThat(width.intValue()).as("the SVG decodes as an image").isGreaterThan(50);
        assertThat(browser.driver.findElements(By.cssSelector("#chart text.axis-title"))).extracting(WebElement::getText)
                .containsExactly("step", "reward");

        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1100));
        Path shot = Path.of("target", "screenshots", "web-" + env + ".png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, browser.driver.getScreenshotAs(OutputType.BYTES));
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1000));
    }

    /** The replay page steps through a file the server recorded (OPENENV_RECORD_DIR), pictures included. */
    @Test
    void replayStepsThroughARecordedTrajectory(@org.junit.jupiter.api.io.TempDir Path records) throws Exception {
        var type = dev.openenv.core.EnvironmentType.of("connect4", dev.openenv.envs.connect4.ConnectFourEnvironment.Drop.class,
                dev.openenv.envs.connect4.ConnectFourEnvironment.Board.class, dev.openenv.envs.connect4.ConnectFourEnvironment.GameState.class);
        try (EnvServer recording = EnvServer.builder(dev.openenv.envs.connect4.ConnectFourEnvironment::new).types(type)
                .config(config(LocalServers.local(), 2)).record(records).start()) {
            var http = java.net.http.HttpClient.newHttpClient();
            for (String[] call : new String[][] {{"/reset", "{\"seed\":4,\"render\":true}"}, {"/step", "{\"action\":{\"column\":3}}"},
                    {"/step", "{\"action\":{\"column\":2}}"}, {"/step", "{\"action\":{\"column\":4}}"}}) {
                var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(recording.baseUrl() + call[0]))
                        .header("content-type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(call[1])).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
            }
            browser.open(recording.baseUrl() + "/web/replay.html");
        }
        Path file;
        try (var listed = Files.list(records)) {
            file = listed.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
        browser.driver.findElement(By.id("file")).sendKeys(file.toAbsolutePath().toString());
        browser.waitFor(d -> "1".equals(d.findElement(By.tagName("body")).getAttribute("data-episodes")));
        assertThat(browser.byId("position").getText()).isEqualTo("0 / 3");
        String start = browser.driver.findElement(By.cssSelector("#picture img")).getAttribute("src");
        browser.byId("next").click();
        browser.byId("next").click();
        assertThat(browser.byId("position").getText()).isEqualTo("2 / 3");
        assertThat(browser.byId("action").getText()).contains("\"column\": 2");
        assertThat(browser.driver.findElement(By.cssSelector("#picture img")).getAttribute("src")).isNotEqualTo(start);
        browser.byId("last").click();
        assertThat(browser.byId("position").getText()).isEqualTo("3 / 3");
        Path shot = Path.of("target", "screenshots", "web-replay.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, browser.driver.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void mcpEnvironmentShowsToolsAsForms() {
        serve("echo-mcp", 4);
        browser.open(server.baseUrl() + "/web/");
        browser.waitConnected();
        browser.waitFor(d -> d.findElements(By.cssSelector("#tools form.tool")).size() == 2);
        assertThat(browser.byId("tools-pane").isDisplayed()).isTrue();
        reset(null);

        WebElement card = browser.driver.findElement(By.cssSelector("form.tool[data-tool='echo_with_length']"));
        assertThat(card.getText()).contains("echo_with_length");
        WebElement message = card.findElement(By.cssSelector("[data-field='message'] input"));
        message.sendKeys("tool time");
        browser.andWaitForUpdate(() -> card.findElement(By.cssSelector("button[type='submit']")).click());
        assertThat(browser.historyRows()).hasSize(1);
        JsonNode observation = json(browser.byId("observation").getAttribute("textContent"));
        assertThat(observation.path("tool_name").asString()).isEqualTo("echo_with_length");
        assertThat(observation.path("result").path("structured_content").path("length").asInt()).isEqualTo(9);

        // The raw action form: arguments that are not JSON are caught by the field; an unknown tool is
        // answered by the environment with a tool error, shown under the form.
        browser.type("tool_name", "no_such_tool");
        browser.type("arguments", "{oops");
        browser.byId("step").click();
        browser.waitFor(d -> !browser.fieldError("arguments").isEmpty());
        assertThat(browser.fieldError("arguments")).startsWith("Not valid JSON");
        browser.type("arguments", "{}");
        browser.andWaitForUpdate(() -> browser.byId("step").click());
        assertThat(browser.historyRows()).hasSize(2);
        assertThat(browser.byId("form-error").getText()).isEqualTo("tool_not_found: Unknown tool: 'no_such_tool'");
        assertThat(browser.fieldError("arguments")).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyKindOfFieldIsGeneratedAndSentAsTyped() {
        var type = EnvironmentType.of("form", FormEnvironment.Order.class, FormEnvironment.Receipt.class, BasicState.class);
        server = servers.start(FormEnvironment::new, type, c -> config(c, 2));
        browser.open(server.baseUrl() + "/web/");
        browser.waitConnected();
        reset(null);

        assertThat(browser.field("size").getTagName()).isEqualTo("select");
        assertThat(browser.field("express").getAttribute("type")).isEqualTo("checkbox");
        assertThat(browser.field("quantity").getAttribute("type")).isEqualTo("number");
        assertThat(browser.driver.findElement(By.cssSelector("[data-field='tip'] label")).getText()).doesNotContain("*");
        assertThat(browser.driver.findElement(By.cssSelector("[data-field='customer'] .hint")).getText()).isEqualTo("Who the order is for");

        browser.type("customer", "Ada");
        browser.type("quantity", "3");
        new Select(browser.field("size")).selectByVisibleText("LARGE");
        browser.field("express").click();
        WebElement toppings = browser.driver.findElement(By.cssSelector("[data-field='toppings'] button.add"));
        toppings.click();
        toppings.click();
        browser.type("toppings.0", "basil");
        browser.type("toppings.1", "olives");
        browser.type("address.street", "Main St");
        browser.type("address.number", "12");
        browser.type("tip", "1.5");
        step(1);
        JsonNode got = json(browser.byId("observation").getAttribute("textContent"));
        assertThat(got.path("customer").asString()).isEqualTo("Ada");
        assertThat(got.path("quantity").asInt()).isEqualTo(3);
        assertThat(got.path("size").asString()).isEqualTo("LARGE");
        assertThat(got.path("express").asBoolean()).isTrue();
        assertThat(got.path("toppings").toString()).isEqualTo("[\"basil\",\"olives\"]");
        assertThat(got.path("address").path("street").asString()).isEqualTo("Main St");
        assertThat(got.path("address").path("number").asInt()).isEqualTo(12);
        assertThat(got.path("tip").asDouble()).isEqualTo(1.5);

        // A nested field's server-side error lands on the nested field.
        browser.field("address.number").clear();
        browser.byId("step").click();
        browser.waitFor(d -> !browser.fieldError("address.number").isEmpty());
        assertThat(browser.fieldError("address.number")).isEqualTo("Field required");
        assertThat(browser.fieldError("customer")).isEmpty();

        // Bounds from a schema (pydantic's ge/le) become input limits and a visible hint.
        Object limits = browser.script("""
                const box = document.createElement('div');
                document.body.append(box);
                OpenEnvForm.build({type: 'object', required: ['n'], properties: {
                    n: {type: 'integer', minimum: 1, maximum: 10, title: 'N'},
                    ratio: {anyOf: [{type: 'number', exclusiveMaximum: 1}, {type: 'null'}], default: null}}}, box);
                const n = box.querySelector("[data-field='n'] input");
                return [n.min, n.max, n.step, box.querySelector("[data-field='n'] .hint").textContent,
                        box.querySelector("[data-field='ratio'] input").max,
                        box.querySelector("[data-field='ratio'] label").textContent];
                """);
        assertThat((List<Object>) limits).containsExactly("1", "10", "1", "≥ 1, ≤ 10", "1", "ratio");
    }

    @Test
    void capacityAndConnectionLossAreShown() {
        serve("echo", 1);
        browser.open(server.baseUrl() + "/web/");
        browser.waitConnected();
        reset(null);

        browser.driver.switchTo().newWindow(WindowType.TAB);
        browser.open(server.baseUrl() + "/web/");
        browser.waitFor(d -> browser.byId("banner").isDisplayed());
        assertThat(browser.byId("banner-text").getText()).contains("at capacity (1/1 sessions)");
        assertThat(browser.byId("connection").getAttribute("data-state")).isEqualTo("disconnected");

        var first = List.copyOf(browser.driver.getWindowHandles()).get(0);
        browser.driver.switchTo().window(first);
        server.close();
        browser.waitFor(d -> browser.byId("banner").isDisplayed());
        assertThat(browser.byId("banner-text").getText()).containsAnyOf("Session ended", "Connection lost");
        assertThat(browser.byId("connection").getAttribute("data-state")).isEqualTo("disconnected");
        browser.byId("step").click();
        browser.waitFor(d -> !browser.byId("form-error").getText().isEmpty());
        assertThat(browser.byId("form-error").getText()).contains("not connected");
    }

    @Test
    void worksBehindAPathPrefix() throws Exception {
        serve("echo", 2);
        try (var proxy = new PrefixProxy("/envs/echo", server.port())) {
            browser.open("http://127.0.0.1:" + proxy.port() + "/envs/echo/web/");
            browser.waitConnected();
            assertThat(browser.byId("env-name").getText()).isEqualTo("EchoEnvironment");
            reset("1");
            browser.type("message", "through the proxy");
            step(1);
            assertThat(json(browser.byId("observation").getAttribute("textContent")).path("echoed_message").asString()).isEqualTo("through the proxy");
        }
    }
}
