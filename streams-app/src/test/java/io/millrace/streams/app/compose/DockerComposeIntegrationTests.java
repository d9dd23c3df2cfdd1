package io.millrace.streams.app.compose;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

import io.millrace.streams.app.StreamsApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Checks {@code docker-compose.yml} against the real service: every metric and label the Grafana dashboard queries
 * is in a scrape of the running service, at the path Prometheus is told to scrape, and the jar the apps mount is
 * the one the build packages.
 */
class DockerComposeIntegrationTests {

    /** Labels Prometheus adds to every series it scrapes. */
    private static final Set<String> TARGET_LABELS = Set.of("instance", "job");

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s");

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    @TempDir
    static Path dir;

    private static ConfigurableApplicationContext context;

    private final ComposeFile compose = ComposeFile.load();

    @BeforeAll
    static void start() {
        context = new SpringApplicationBuilder(StreamsApplication.class).run("--server.port=0",
                "--millrace.embedded-broker.port=0", "--millrace.embedded-broker.log-dir=" + dir.resolve("broker"),
                "--millrace.samples.generator.rate=50", "--millrace.samples.generator.invalid-ratio=0.3");
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void everyMetricAndLabelTheDashboardQueriesIsInARealScrapeAtThePathPrometheusScrapes() {
        String path = prometheusMetricsPath();
        RestClient service = RestClient.create("http://localhost:"
                + context.getEnvironment().getProperty("local.server.port"));
        List<String> queries = DockerComposeTests.dashboardQueries(this.compose);
        // Traffic makes every stream run, so every meter of a running stream has been registered; on a timeout the
        // last assertion says what is missing.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                missing(queries, series(service.get().uri(path).retrieve().body(String.class)))).isEmpty());
    }

    @Test
    void theJarTheAppsMountIsTheOneTheBuildPackages() {
        for (String app : this.compose.apps()) {
            String jar = this.compose.command(app).stream().filter((part) -> part.endsWith(".jar")).findFirst()
                .orElseThrow();
            assertThat(this.compose.hostPath(app, jar)).as(app).hasValueSatisfying((host) -> assertThat(host)
                .isRegularFile());
        }
    }

    private String prometheusMetricsPath() {
        Map<String, Object> config = ComposeFile.yaml(this.compose.hostPath("prometheus",
                "/etc/prometheus/prometheus.yml").orElseThrow());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> scrapes = (List<Map<String, Object>>) config.get("scrape_configs");
        return scrapes.get(0).get("metrics_path").toString();
    }

    /** What each query needs that the scrape lacks, as readable lines. */
    private static List<String> missing(List<String> queries, Map<String, Set<String>> scraped) {
        List<String> missing = new ArrayList<>();
        for (String query : queries) {
            PromQl names = PromQl.of(query);
            Set<String> labels = new LinkedHashSet<>();
            for (String metric : names.metrics()) {
                if (!scraped.containsKey(metric)) {
                    missing.add("metric " + metric + " of " + query);
                }
                else {
                    labels.addAll(scraped.get(metric));
                }
            }
            for (String label : names.labels()) {
                if (!TARGET_LABELS.contains(label) && !labels.contains(label)) {
                    missing.add("label " + label + " of " + query);
                }
            }
        }
        return missing;
    }

    /** Each series name of a Prometheus text scrape with the label names it carries. */
    static Map<String, Set<String>> series(String scrape) {
        Map<String, Set<String>> series = new LinkedHashMap<>();
        for (String line : scrape.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.find()) {
                continue;
            }
            Set<String> labels = series.computeIfAbsent(sample.group(1), (name) -> new LinkedHashSet<>());
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.add(label.group(1));
                }
            }
        }
        return series;
    }
}
