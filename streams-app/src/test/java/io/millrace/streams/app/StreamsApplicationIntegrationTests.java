package io.millrace.streams.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

import io.millrace.streams.metrics.StreamsMetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link StreamsApplication}: the whole service on its embedded broker, started on a fresh
 * directory as a newcomer's first start is.
 */
@ExtendWith(OutputCaptureExtension.class)
class StreamsApplicationIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /** A line of Boot's console log format: the timestamp, then the level. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\S+\\s+(TRACE|DEBUG|INFO|WARN|ERROR)\\s");

    @TempDir
    Path dir;

    private ConfigurableApplicationContext context;

    @AfterEach
    void close() {
        if (this.context != null) {
            this.context.close();
        }
    }

    @Test
    void sampleTrafficFlowsThroughTheSampleStreamsAndInvalidRecordsAreDeadLettered(CapturedOutput output) {
        this.context = new SpringApplicationBuilder(StreamsApplication.class).run("--server.port=0",
                "--millrace.embedded-broker.port=0", "--millrace.embedded-broker.log-dir=" + this.dir.resolve("broker"),
                "--millrace.state-dir=" + this.dir.resolve("state"), "--millrace.samples.generator.rate=50",
                "--millrace.samples.generator.invalid-ratio=0.3");
        String bootstrapServers = this.context.getEnvironment().getProperty("spring.kafka.bootstrap-servers");

        try (KafkaConsumer<String, String> consumer = consumer(bootstrapServers)) {
            // One output of every stream: animals, sentence-splitter, word-count and both halves of animal-counts.
            // animal-counts: the generator's traffic closes its 10-second windows (grace 5 s) within seconds.
            List<String> expected = List.of("aquatic", "words", "word-counts", "animals-dlt", "sentences-dlt",
                    "animal-counts", "animal-counts-dlt");
            consumer.subscribe(expected);
            List<String> topics = new ArrayList<>();
            await().atMost(TIMEOUT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach((record) -> topics.add(record.topic()));
                return topics.containsAll(expected);
            });
        }

        RestClient actuator = RestClient.create(
                "http://localhost:" + this.context.getEnvironment().getProperty("local.server.port") + "/actuator");
        assertThat(actuator.get().uri("/info").retrieve().body(String.class)).contains("\"embeddedBroker\"")
            .contains(bootstrapServers);
        assertThat(actuator.get().uri("/health").retrieve().body(String.class)).startsWith("{\"components\"")
            .contains("\"status\":\"UP\"").contains("\"streams\"");

        await().atMost(TIMEOUT).until(() -> actuator.get().uri("/streams/animals").retrieve().body(String.class)
            .matches("(?s).*\"processed\":[1-9].*"));
        assertThat(actuator.get().uri("/streams").retrieve().body(String.class)).contains("\"name\":\"animals\"")
            .contains("\"name\":\"sentence-splitter\"").contains("\"partitions\":{\"animals-0\"")
            .contains("\"feeds\"").contains("\"lag\"");
        String prometheus = actuator.get().uri("/prometheus").retrieve().body(String.class);
        assertThat(prometheus).containsPattern("millrace_records_processed_records_total\\{[^}]*stream=\"animals\"")
            .containsPattern("millrace_records_produced_records_total\\{[^}]*topic=\"aquatic\"")
            .contains("millrace_records_dead_lettered_records_total")
            .contains("millrace_records_latency_seconds_count")
            .contains("millrace_commit_latency_seconds_count")
            .contains("millrace_stream_lag_records")
            // Kafka client metrics of Millrace's own clients share the registry.
            .containsPattern("kafka_consumer_[a-z_]+\\{[^}]*client_id=\"millrace-streams-app-animals-0\"");
        // Write operations are not exposed over HTTP unless the user opts in.
        int status = actuator.post().uri("/streams/animals").body(Map.of("action", "pause"))
            .header("Content-Type", "application/json")
            .exchange((request, response) -> response.getStatusCode().value());
        assertThat(status).isGreaterThanOrEqualTo(400);

        // The broker's noise of a first start came from the transaction after a commit: let every exactly-once
        // stream commit a few times before looking.
        MeterRegistry registry = this.context.getBean(MeterRegistry.class);
        for (String stream : List.of("sentence-splitter", "word-count", "animal-counts")) {
            await().atMost(TIMEOUT).until(() -> commits(registry, stream) >= 3);
        }
        // A newcomer's first start logs no ERROR line, from Millrace or from its embedded broker.
        List<String> lines = output.getAll().lines().toList();
        assertThat(lines).as("captured log lines").anyMatch((line) -> level(line).equals("INFO"));
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (level(lines.get(i)).equals("ERROR")) {
                // With the exception's message that follows it.
                errors.add(String.join("\n", lines.subList(i, Math.min(i + 3, lines.size()))));
            }
        }
        assertThat(errors).as("ERROR lines of a first start").isEmpty();
    }

    private static double commits(MeterRegistry registry, String stream) {
        FunctionTimer timer = registry.find(StreamsMetrics.COMMIT_LATENCY).tag("stream", stream).functionTimer();
        return (timer != null) ? timer.count() : 0;
    }

    /** The level of a line in Boot's console format, or {@code ""} for a line that is not a log line's first. */
    private static String level(String line) {
        Matcher matcher = LOG_LINE.matcher(line);
        return matcher.find() ? matcher.group(1) : "";
    }

    private static KafkaConsumer<String, String> consumer(String bootstrapServers) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "streams-application-integration-tests",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new StringDeserializer());
    }

}
