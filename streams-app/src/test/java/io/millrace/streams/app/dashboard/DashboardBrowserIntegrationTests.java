package io.millrace.streams.app.dashboard;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.app.StreamsApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Integration tests for the dashboard at {@code /}: the whole service on its embedded broker, with sample
 * traffic and the streams endpoint's write operations enabled, seen through Debian's headless Chromium. The table
 * browser's answers are checked against the interactive queries' own ({@code /streams/...}).
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

    private static final HttpClient http = HttpClient.newHttpClient();

    private static final JsonMapper json = JsonMapper.builder().build();

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

    @Test
    void tableBrowserLooksUpAWordsCountAsTheQueryApiAnswers() throws Exception {
        pick("word-count", "word-counts");
        // A word the table has: the first of its first page, as the page shows it.
        String word = await().atMost(TIMEOUT)
            .ignoreExceptions()
            .until(() -> text("#page tbody tr td[data-field='key']"), (key) -> !key.isEmpty());
        long before = query("/streams/word-count/tables/word-counts/" + encode(word)).path("value").asLong();
        lookUp(word);
        String shown = await().atMost(TIMEOUT)
            .ignoreExceptions()
            .until(() -> text("#lookup-result [data-result='value'] [data-field='value']"), (v) -> !v.isEmpty());
        long after = query("/streams/word-count/tables/word-counts/" + encode(word)).path("value").asLong();
        assertThat(text("#lookup-result [data-field='key']")).isEqualTo(word);
        // The count grows while the test runs: the page's is between the API's before and after.
        assertThat(Long.parseLong(shown)).isBetween(before, after);

        // Clicking a key of the page looks it up.
        browser.findElement(By.cssSelector("#page tbody tr td[data-field='key'] button")).click();
        await().atMost(TIMEOUT)
            .ignoreExceptions()
            .until(() -> text("#lookup-result [data-result='value'] [data-field='key']"), word::equals);

        lookUp("no-such-word-" + System.nanoTime());
        await().atMost(TIMEOUT)
            .ignoreExceptions()
            .until(() -> text("#lookup-result [data-result='absent']"), (t) -> t.startsWith("absent"));

        // The service refuses a key longer than 4096 bytes: 400, and its message on the page.
        WebElement key = browser.findElement(By.id("lookup-key"));
        browser.executeScript("arguments[0].value = arguments[1]", key, "x".repeat(5000));
        browser.findElement(By.id("lookup-go")).click();
        await().atMost(TIMEOUT)
            .ignoreExceptions()
            .until(() -> text("#lookup-result [data-result='error']"),
                    (t) -> t.contains("HTTP 400") && t.contains("longer than"));

        // Who owns which partition, as /owners says.
        JsonNode owners = query("/streams/word-count/owners");
        assertThat(owners.path("partitions").size()).isPositive();
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            List<String> expected = new ArrayList<>();
            owners.path("partitions").forEach((p) -> expected.add(p.path("partition").asInt() + " "
                    + p.path("owner").asString()));
            List<String> rows = browser.findElements(By.cssSelector("#owners tbody tr"))
                .stream()
                .map((row) -> row.getDomAttribute("data-partition") + " "
                        + row.findElement(By.cssSelector("[data-field='owner']")).getDomAttribute("data-value"))
                .toList();
            assertThat(rows).isEqualTo(expected);
        });
    }

    @Test
    void tableBrowserPagesThroughWordCountsWithTheApisCursors() {
        pick("word-count", "word-counts");
        option("page-size", "10");
        await().atMost(TIMEOUT)
            .ignoreExceptions()
            .until(() -> text("#page-position"), (t) -> t.startsWith("page 1 · entries 1–10"));
        // New words may come between the API's pages and the browser's: try again until both agree.
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            if (browser.findElement(By.id("page-first")).isEnabled()) {
                browser.findElement(By.id("page-first")).click();
                await().atMost(TIMEOUT).until(() -> text("#page-position"), (t) -> t.startsWith("page 1 ·"));
            }
            JsonNode first = query("/streams/word-count/tables/word-counts?limit=10");
            JsonNode second = query("/streams/word-count/tables/word-counts?limit=10&after="
                    + encode(first.path("next").asString()));
            List<String> one = pageKeys();
            browser.findElement(By.id("page-next")).click();
            await().atMost(TIMEOUT).until(() -> text("#page-position"), (t) -> t.startsWith("page 2 · entries 11–"));
            List<String> two = pageKeys();
            assertThat(one).isEqualTo(keys(first.path("entries")));
            assertThat(two).isEqualTo(keys(second.path("entries")));
            assertThat(two.get(0)).isGreaterThan(one.get(one.size() - 1));
        });
        browser.findElement(By.id("page-previous")).click();
        await().atMost(TIMEOUT)
            .ignoreExceptions()
            .until(() -> text("#page-position"), (t) -> t.startsWith("page 1 · entries 1–10"));
        assertThat(browser.findElement(By.id("page-previous")).isEnabled()).isFalse();

        // One page of 1000 holds the whole table: its end, and no next page.
        option("page-size", "1000");
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            JsonNode all = query("/streams/word-count/tables/word-counts?limit=1000");
            assertThat(all.path("next").isNull()).isTrue();
            assertThat(text("#page-position")).isEqualTo(
                    "page 1 · entries 1–" + all.path("entries").size() + " · end of the table");
            assertThat(pageKeys()).isEqualTo(keys(all.path("entries")));
        });
        assertThat(browser.findElement(By.id("page-next")).isEnabled()).isFalse();
    }

    @Test
    void tableBrowserShowsAWindowedKeysWindows() throws Exception {
        pick("animal-counts", "animal-counts");
        await().atMost(TIMEOUT)
            .ignoreExceptions()
            .until(() -> displayed("#lookup-from") && text("#lookup-go").equals("Show windows"));
        // Closed windows keep their counts: a name with windows that ended 40 s ago or more, asked for between a
        // time before them and 40 s ago, answers the same to the page and to the API.
        JsonNode closed = await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
            long cutoff = System.currentTimeMillis() - 40_000;
            for (JsonNode entry : query("/streams/animal-counts/tables/animal-counts?limit=1000").path("entries")) {
                if (entry.path("windowEnd").asLong() <= cutoff) {
                    return entry;
                }
            }
            return null;
        }, (entry) -> entry != null);
        String name = closed.path("key").asString();
        long from = closed.path("windowStart").asLong() - 30_000;
        long to = System.currentTimeMillis() - 50_000;
        JsonNode expected = query("/streams/animal-counts/tables/animal-counts/" + encode(name) + "?from=" + from
                + "&to=" + to);
        assertThat(expected.size()).isPositive();

        type("lookup-from", Instant.ofEpochMilli(from).toString()); // ISO-8601
        type("lookup-to", String.valueOf(to)); // epoch milliseconds
        lookUp(name);
        await().atMost(TIMEOUT)
            .ignoreExceptions()
            .until(() -> browser.findElements(By.cssSelector("#lookup-result [data-result='windows'] tbody tr"))
                .size(), (n) -> n > 0);
        List<String> rows = browser.findElements(By.cssSelector("#lookup-result tbody tr"))
            .stream()
            .map((row) -> cell(row, "windowStart").getDomAttribute("data-value") + " "
                    + cell(row, "windowEnd").getDomAttribute("data-value") + " " + cell(row, "value").getText())
            .toList();
        List<String> answered = new ArrayList<>();
        expected.forEach((w) -> answered.add(w.path("windowStart").asLong() + " " + w.path("windowEnd").asLong()
                + " " + w.path("value").asLong()));
        assertThat(rows).isEqualTo(answered);
        // Human-readable times beside the epoch milliseconds.
        WebElement first = browser.findElement(By.cssSelector("#lookup-result tbody tr"));
        assertThat(cell(first, "windowStart").getText())
            .startsWith(Instant.ofEpochMilli(expected.get(0).path("windowStart").asLong()).toString());

        // A page of a windowed table shows each entry's window. The page was asked for when the table was picked,
        // perhaps before its first window committed: ask again until it shows one.
        await().atMost(TIMEOUT)
            .ignoreExceptions()
            .until(() -> {
                List<WebElement> cells = browser
                    .findElements(By.cssSelector("#page tbody tr td[data-field='windowStart']"));
                if (cells.isEmpty()) {
                    // A new page size asks for the first page again.
                    boolean big = "1000".equals(browser.findElement(By.id("page-size")).getDomProperty("value"));
                    option("page-size", big ? "100" : "1000");
                }
                return cells.size();
            }, (n) -> n > 0);
    }

    /** Picks a stream and its table in the browser's pickers. */
    private static void pick(String stream, String table) {
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            option("browse-stream", stream);
            option("browse-table", table);
            assertThat(browser.findElement(By.id("browse-stream")).getDomProperty("value")).isEqualTo(stream);
            assertThat(browser.findElement(By.id("browse-table")).getDomProperty("value")).isEqualTo(table);
        });
    }

    private static void option(String select, String value) {
        WebElement picker = browser.findElement(By.id(select));
        if (!value.equals(picker.getDomProperty("value"))) {
            picker.findElement(By.cssSelector("option[value='" + value + "']")).click();
        }
    }

    private static void type(String id, String text) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    private static void lookUp(String key) {
        type("lookup-key", key);
        browser.findElement(By.id("lookup-go")).click();
    }

    private static WebElement cell(WebElement row, String field) {
        return row.findElement(By.cssSelector("[data-field='" + field + "']"));
    }

    private static List<String> pageKeys() {
        return browser.findElements(By.cssSelector("#page tbody tr td[data-field='key']"))
            .stream()
            .map(WebElement::getText)
            .toList();
    }

    private static List<String> keys(JsonNode entries) {
        List<String> keys = new ArrayList<>();
        entries.forEach((entry) -> keys.add(entry.path("key").asString()));
        return keys;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The interactive queries' own answer (200 expected). */
    private static JsonNode query(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest
            .newBuilder(URI.create("http://localhost:" + context.getEnvironment().getProperty("local.server.port")
                    + pathAndQuery))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", pathAndQuery, response.body()).isEqualTo(200);
        return json.readTree(response.body());
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
