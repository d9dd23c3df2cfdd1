package io.millrace.streams.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link StreamsApplication}: the whole service on its embedded broker.
 */
class StreamsApplicationIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

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
    void sampleTrafficFlowsThroughTheSampleStreamsAndInvalidRecordsAreDeadLettered() {
        this.context = new SpringApplicationBuilder(StreamsApplication.class).run("--server.port=0",
                "--millrace.embedded-broker.port=0", "--millrace.embedded-broker.log-dir=" + this.dir.resolve("broker"),
                "--millrace.state-dir=" + this.dir.resolve("state"), "--millrace.samples.generator.rate=50",
                "--millrace.samples.generator.invalid-ratio=0.3");
        String bootstrapServers = this.context.getEnvironment().getProperty("spring.kafka.bootstrap-servers");

        try (KafkaConsumer<String, String> consumer = consumer(bootstrapServers)) {
            // animal-counts: the generator's traffic closes its 10-second windows (grace 5 s) within seconds.
            List<String> expected = List.of("aquatic", "words", "animals-dlt", "sentences-dlt", "animal-counts",
                    "animal-counts-dlt");
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
    }

    private static KafkaConsumer<String, String> consumer(String bootstrapServers) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "streams-application-integration-tests",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new StringDeserializer());
    }

}
