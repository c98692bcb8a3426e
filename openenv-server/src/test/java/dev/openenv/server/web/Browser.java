package dev.openenv.server.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless {@code chromium} driven by its {@code chromedriver} (both installed by {@code .ci/run}).
 * Paths can be overridden with {@code -Dopenenv.chromium=} and {@code -Dopenenv.chromedriver=}.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of(System.getProperty("openenv.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("openenv.chromedriver", "/usr/bin/chromedriver"));

    final ChromeDriver driver;

    Browser() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": apt-get install chromium chromium-driver (.ci/run does)");
        }
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: CI runs as root, where Chromium refuses its own sandbox.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--no-first-run", "--disable-extensions");
        var service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    }

    void open(String url) {
        driver.get(url);
        waitFor(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
    }

    <T> T waitFor(Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, Duration.ofSeconds(15)).until(condition);
        } catch (org.openqa.selenium.TimeoutException e) {
            // Say what the page showed, so a failure explains itself.
            String page;
            try {
                page = driver.findElement(By.tagName("body")).getText();
            } catch (RuntimeException unreadable) {
                page = "(page unreadable: " + unreadable.getMessage() + ")";
            }
            throw new AssertionError("the page never got there; it shows:\n" + page, e);
        }
    }

    /** Runs {@code action} and waits until the page has finished the resulting round trips (state refreshed). */
    void andWaitForUpdate(Runnable action) {
        String before = byId("left").getAttribute("data-updates");
        action.run();
        waitFor(d -> !java.util.Objects.equals(byId("left").getAttribute("data-updates"), before));
    }

    WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    WebElement field(String path) {
        return driver.findElement(By.cssSelector("[data-field='" + path + "'] input, [data-field='" + path
                + "'] select, [data-field='" + path + "'] textarea"));
    }

    String fieldError(String path) {
        return driver.findElement(By.cssSelector("[data-error-for='" + path + "']")).getText();
    }

    void type(String path, String text) {
        WebElement input = field(path);
        input.clear();
        input.sendKeys(text);
    }

    List<WebElement> historyRows() {
        return driver.findElements(By.cssSelector("#history tbody tr"));
    }

    List<WebElement> chartPoints() {
        return driver.findElements(By.cssSelector("#chart circle.point"));
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    void waitConnected() {
        waitFor(d -> "connected".equals(byId("connection").getAttribute("data-state")));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
