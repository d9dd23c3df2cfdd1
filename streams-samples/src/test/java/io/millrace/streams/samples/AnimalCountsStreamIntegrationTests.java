package io.millrace.streams.samples;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code animal-counts} exactly-once against a real broker, as {@code DESIGN.md} describes it: animals re-keyed by
 * their trimmed, lower-cased name through {@code <application-id>-animal-counts-repartition}, counted in tumbling
 * 10-second windows of their record timestamp with a grace of 5 s, one {@code {"name", "windowStart", "windowEnd",
 * "count"}} per name and window to {@code animal-counts} once the window closes, late and invalid records to
 * {@code animal-counts-dlt}.
 */
class AnimalCountsStreamIntegrationTests {

    private static final String APPLICATION = "animal-counts-test";

    /** Its own copy of the animals topic: the other sample tests share the broker. */
    private static final String INPUT = "animals-for-counts";

    @TempDir
    static Path stateDir;

    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() {
        TestKafka.createTopic(INPUT, 3);
        context = new SpringApplicationBuilder(SamplesTestApplication.class).web(WebApplicationType.NONE)
            .run("--spring.kafka.bootstrap-servers=" + TestKafka.brokers(), "--millrace.application-id=" + APPLICATION,
                    "--millrace.state-dir=" + stateDir, "--millrace.streams.animals.enabled=false",
                    "--millrace.streams.sentence-splitter.enabled=false", "--millrace.streams.word-count.enabled=false",
                    "--millrace.streams.animal-counts.input=" + INPUT,
                    "--millrace.streams.animal-counts.guarantee=exactly-once",
                    "--millrace.streams.animal-counts.dead-letter-topic=animal-counts-dlt");
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void eachNameAndWindowIsCountedOnceWhenTheWindowCloses() {
        // Input partition 0 only, so the records reach the second stage in this order.
        send(animal(1, " Shark", 1_000), animal(2, "bat", 2_000), animal(3, "SHARK ", 9_999), animal(4, "fish", 10_000),
                animal(5, "shark", 12_500), animal(6, "bat", 8_000), animal(7, "Bat", 21_000), "{\"id\": 8}",
                animal(9, "shark", 100_000), animal(10, "bat", 100_000), animal(11, "fish", 100_000),
                animal(12, "shark", 4_000));
        Map<String, Long> counts = new TreeMap<>();
        List<ConsumerRecord<byte[], byte[]>> results = TestKafka.readUntil("animal-counts",
                (records) -> records.size() >= 5, Duration.ofSeconds(90));
        for (ConsumerRecord<byte[], byte[]> record : results) {
            String json = TestKafka.utf8(record.value());
            String name = TestKafka.utf8(record.key());
            assertThat(json).contains("\"name\":\"" + name + "\"");
            counts.merge(name + " " + field(json, "windowStart") + "-" + field(json, "windowEnd"), field(json, "count"),
                    Long::sum);
        }
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("shark 0-10000", 2L, "bat 0-10000", 2L,
                "fish 10000-20000", 1L, "shark 10000-20000", 1L, "bat 20000-30000", 1L));
        List<ConsumerRecord<byte[], byte[]>> deadLetters = TestKafka.readUntil("animal-counts-dlt",
                (records) -> records.size() >= 2, Duration.ofSeconds(60));
        assertThat(deadLetters).extracting((record) -> TestKafka.header(record, DeadLetters.REASON))
            .containsExactlyInAnyOrder("INVALID_INPUT", "LATE");
        assertThat(TestKafka.topicExists(APPLICATION + "-animal-counts-repartition")).isTrue();
        assertThat(TestKafka.readAll("animal-counts")).hasSize(5);
    }

    private static long field(String json, String name) {
        int at = json.indexOf("\"" + name + "\":") + name.length() + 3;
        int end = at;
        while (end < json.length() && Character.isDigit(json.charAt(end))) {
            end++;
        }
        return Long.parseLong(json.substring(at, end));
    }

    private static String animal(long id, String name, long timestamp) {
        return timestamp + "|{\"id\": " + id + ", \"name\": \"" + name + "\", \"value\": 1}";
    }

    private static void send(String... records) {
        try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
            for (String record : records) {
                int bar = record.indexOf('|');
                long timestamp = (bar > 0) ? Long.parseLong(record.substring(0, bar)) : 50_000;
                producer.send(new ProducerRecord<>(INPUT, 0, timestamp, null,
                        TestKafka.utf8(record.substring(bar + 1))));
            }
            producer.flush();
        }
    }
}
