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
            consumer.subscribe(List.of("aquatic", "words", "animals-dlt", "sentences-dlt"));
            List<String> topics = new ArrayList<>();
            await().atMost(TIMEOUT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach((record) -> topics.add(record.topic()));
                return topics.containsAll(List.of("aquatic", "words", "animals-dlt", "sentences-dlt"));
            });
        }

        RestClient actuator = RestClient.create(
                "http://localhost:" + this.context.getEnvironment().getProperty("local.server.port") + "/actuator");
        assertThat(actuator.get().uri("/info").retrieve().body(String.class)).contains("\"embeddedBroker\"")
            .contains(bootstrapServers);
        assertThat(actuator.get().uri("/health").retrieve().body(String.class)).startsWith("{\"components\"")
            .contains("\"status\":\"UP\"");
    }

    private static KafkaConsumer<String, String> consumer(String bootstrapServers) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "streams-application-integration-tests",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new StringDeserializer());
    }

}
