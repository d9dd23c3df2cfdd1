package io.millrace.streams.app.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.app.StreamsApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Integration tests for the dashboard at {@code /}: the whole service on its embedded broker, with sample
 * traffic and the streams endpoint's write operations enabled, seen through Debian's headless Chromium.
 * <p>
 * Without {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} the tests fail when {@code CI=true}
 * ({@code .ci/run} installs both) and are skipped otherwise.
 */
class DashboardBrowserIntegrationTests {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

    private static final String MISSING_CHROMIUM = "The dashboard's browser test needs Debian's chromium and "
            + "chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install -y --no-install-recommends "
            + "chromium chromium-driver (.ci/run installs them)";

    @TempDir
    static Path dir;

    private static ConfigurableApplicationContext context;

    private static ChromeDriver browser;

    @BeforeAll
    static void start() {
        if (!chromiumInstalled()) {
            return;
        }
        context = new SpringApplicationBuilder(StreamsApplication.class).run("--server.port=0",
                "--millrace.embedded-broker.port=0", "--millrace.embedded-broker.log-dir=" + dir.resolve("broker"),
                "--millrace.state-dir=" + dir.resolve("state"), "--millrace.samples.generator.enabled=true",
                "--management.endpoint.streams.access=unrestricted",
                // Selenium warns that it has no CDP bindings for this Chromium; the test uses WebDriver only.
                "--logging.level.org.openqa.selenium.devtools=ERROR",
                "--logging.level.org.openqa.selenium.chromium=ERROR");
        // Both paths are given, so Selenium Manager neither looks for nor downloads a browser or a driver.
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
            .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + dir.resolve("chromium"), "--window-size=1400,1100");
        browser = new ChromeDriver(service, options);
        browser.get("http://localhost:" + context.getEnvironment().getProperty("local.server.port") + "/");
    }

    @BeforeEach
    void requireChromium() {
        assumeTrue(browser != null, () -> MISSING_CHROMIUM + "; skipped because CI is not true");
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.quit();
            }
        }
        finally {
            if (context != null) {
                context.close();
            }
        }
    }

    @Test
    void graphShowsTheSampleStreamsAndTheTopicsTheyAreChainedThrough() {
        await().atMost(TIMEOUT)
            .ignoreExceptions()
            .untilAsserted(() -> assertThat(graphNodes()).contains("topic:animals", "stream:animals", "topic:aquatic",
                    "topic:spooky", "topic:flying", "topic:animals-dlt", "topic:sentences",
                    "stream:sentence-splitter", "topic:words"));
        assertThat(graphNames()).contains("animals", "aquatic", "spooky", "flying", "sentence-splitter", "words");
        // sentences -> sentence-splitter -> words, and its dead letters
        assertThat(browser.findElements(By.cssSelector("svg#topology path[data-edge-stream='sentence-splitter']")))
            .hasSize(3);
    }

    @Test
    void processedCountOfAnimalsGrowsOnThePage() throws IOException {
        long first = await().atMost(TIMEOUT).ignoreExceptions().until(() -> processed("animals"), (n) -> n > 0);
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> processed("animals"), (n) -> n > first);
        // Throughput needs two polls; wait for it, so that the screenshot shows the dashboard in motion.
        await().atMost(TIMEOUT)
            .ignoreExceptions()
            .until(() -> text("article[data-stream='animals'] [data-field='rate']"),
                    (rate) -> rate.matches("[0-9.]+") && Double.parseDouble(rate) > 0);
        Files.createDirectories(SCREENSHOT.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT,
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void pauseAndResumeButtonsPauseAndResumeTheStream() {
        // sentence-splitter, so that the counts of animals keep growing for the other test.
        String card = "article[data-stream='sentence-splitter'] ";
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> displayed(card + "button[data-action='pause']"));
        browser.findElement(By.cssSelector(card + "button[data-action='pause']")).click();
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> text(card + "[data-field='state']"), "PAUSED"::equals);
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> displayed(card + "button[data-action='resume']"));
        assertThat(displayed(card + "button[data-action='pause']")).isFalse();
        browser.findElement(By.cssSelector(card + "button[data-action='resume']")).click();
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> text(card + "[data-field='state']"), "RUNNING"::equals);
        assertThat(browser.findElement(By.cssSelector("svg#topology [data-node='stream:sentence-splitter']"))
            .getDomAttribute("data-state")).isEqualTo("RUNNING");
    }

    private static Set<String> graphNodes() {
        return browser.findElements(By.cssSelector("svg#topology g.node"))
            .stream()
            .map((node) -> node.getDomAttribute("data-node"))
            .collect(Collectors.toSet());
    }

    private static Set<String> graphNames() {
        return browser.findElements(By.cssSelector("svg#topology g.node text.label"))
            .stream()
            .map(WebElement::getText)
            .collect(Collectors.toSet());
    }

    /** The processed count as the page displays it ("1,234"), or -1 while it shows none. */
    private static long processed(String stream) {
        String digits = text("article[data-stream='" + stream + "'] [data-field='processed']").replaceAll("[^0-9]", "");
        return digits.isEmpty() ? -1 : Long.parseLong(digits);
    }

    private static String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    private static boolean displayed(String css) {
        return browser.findElement(By.cssSelector(css)).isDisplayed();
    }

    /** Whether Chromium and its driver are there; fails when they are not and CI is true. */
    private static boolean chromiumInstalled() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return true;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(MISSING_CHROMIUM);
        }
        return false;
    }

}
