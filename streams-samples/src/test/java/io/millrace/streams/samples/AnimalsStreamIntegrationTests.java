package io.millrace.streams.samples;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code animals} sample stream against a real broker: every valid animal reaches exactly the outputs its
 * name calls for, every invalid record reaches {@code animals-dlt} with its reason, and nothing is lost.
 */
class AnimalsStreamIntegrationTests {

    private static ConfigurableApplicationContext context;

    private static final List<String[]> VALID = new ArrayList<>();

    private static final List<String[]> INVALID = List.of(
            new String[] { "bad-json", "{\"id\": 1000, \"name\": " },
            new String[] { "missing-id", "{\"name\": \"shark\", \"value\": 1}" },
            new String[] { "blank-name", "{\"id\": 1001, \"name\": \"  \", \"value\": 1}" },
            new String[] { "string-value", "{\"id\": 1002, \"name\": \"fish\", \"value\": \"5\"}" },
            new String[] { "number-name", "{\"id\": 1003, \"name\": 123, \"value\": 5}" },
            new String[] { "negative", "{\"id\": 1004, \"name\": \"bat\", \"value\": -1}" },
            new String[] { "overflow", "{\"id\": 1005, \"name\": \"bat\", \"value\": 3000000000}" },
            new String[] { "duplicate-key", "{\"id\": 1006, \"name\": \"bat\", \"name\": \"cat\", \"value\": 1}" },
            new String[] { "empty", "" },
            new String[] { "tombstone", null });

    @BeforeAll
    static void start() {
        TestKafka.createTopic("animals", 3);
        String[] names = { "Fish", " SHARK ", "bat", "Spider", "bird", "cat", "dog" };
        for (int id = 0; id < 140; id++) {
            String name = names[id % names.length];
            VALID.add(new String[] { String.valueOf(id),
                    "{\"id\": " + id + ", \"name\": \"" + name + "\", \"value\": " + id
                            + ", \"labels\": {\"n\": \"" + id + "\"}, \"extra\": true}" });
        }
        context = new SpringApplicationBuilder(SamplesTestApplication.class).web(
                org.springframework.boot.WebApplicationType.NONE).run(
                "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                "--millrace.application-id=animals-test",
                "--millrace.streams.sentence-splitter.enabled=false",
                "--millrace.streams.word-count.enabled=false", "--millrace.streams.animal-counts.enabled=false",
                "--millrace.streams.animals.commit.interval=100ms");
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void routesEveryAnimalToExactlyItsOutputsAndDeadLettersTheInvalidOnes() {
        TestKafka.send("animals", VALID);
        TestKafka.send("animals", INVALID);
        StreamManager manager = context.getBean(StreamManager.class);
        int total = VALID.size() + INVALID.size();
        await().atMost(Duration.ofSeconds(60)).until(() -> manager.stream("animals").orElseThrow().processed() >= total);

        assertThat(ids("aquatic")).isEqualTo(expectedIds("fish", "shark"));
        assertThat(ids("spooky")).isEqualTo(expectedIds("bat", "spider"));
        assertThat(ids("flying")).isEqualTo(expectedIds("bat", "bird"));
        ConsumerRecord<byte[], byte[]> aquatic = TestKafka.readAll("aquatic").get(0);
        assertThat(TestKafka.utf8(aquatic.value())).matches("\\{\"id\":\\d+,\"name\":\"(fish|shark)\",\"value\":\\d+\\}");
        assertThat(TestKafka.utf8(aquatic.key())).isEqualTo(idOf(aquatic));

        // Other tests of this class dead-letter records of their own, before or after this one, whatever order
        // JUnit picks: this test's letters are told apart by key, and the counters checked against the whole topic.
        Set<String> invalidKeys = INVALID.stream().map((invalid) -> invalid[0]).collect(Collectors.toSet());
        List<ConsumerRecord<byte[], byte[]>> deadAll = TestKafka.readAll("animals-dlt");
        List<ConsumerRecord<byte[], byte[]>> dead = deadAll.stream()
            .filter((letter) -> invalidKeys.contains(TestKafka.utf8(letter.key())))
            .toList();
        assertThat(dead).hasSize(INVALID.size());
        Map<String, ConsumerRecord<byte[], byte[]>> byKey = dead.stream()
            .collect(Collectors.toMap((record) -> TestKafka.utf8(record.key()), (record) -> record));
        for (String[] invalid : INVALID) {
            ConsumerRecord<byte[], byte[]> letter = byKey.get(invalid[0]);
            assertThat(letter).as(invalid[0]).isNotNull();
            assertThat(TestKafka.utf8(letter.value())).as(invalid[0]).isEqualTo(invalid[1]);
            assertThat(TestKafka.header(letter, DeadLetters.REASON)).isEqualTo("INVALID_INPUT");
            assertThat(TestKafka.header(letter, DeadLetters.STREAM)).isEqualTo("animals");
            assertThat(TestKafka.header(letter, DeadLetters.ORIGINAL_TOPIC)).isEqualTo("animals");
            assertThat(TestKafka.header(letter, DeadLetters.EXCEPTION_FQCN))
                .isEqualTo("io.millrace.streams.schema.SchemaException");
            assertThat(TestKafka.header(letter, DeadLetters.EXCEPTION_MESSAGE)).isNotBlank();
            assertThat(TestKafka.header(letter, DeadLetters.ORIGINAL_CONSUMER_GROUP)).isEqualTo("animals-test-animals");
            assertThat(ByteBuffer.wrap(TestKafka.rawHeader(letter, DeadLetters.ORIGINAL_OFFSET)).getLong())
                .isGreaterThanOrEqualTo(0);
        }
        assertThat(TestKafka.header(byKey.get("blank-name"), DeadLetters.EXCEPTION_MESSAGE)).contains("name");

        int others = deadAll.size() - dead.size();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            StreamView view = manager.stream("animals").orElseThrow();
            assertThat(view.deadLettered()).as("every dead letter counted once").isEqualTo(deadAll.size());
            assertThat(view.processed()).isEqualTo(total + others);
        });
    }

    @Test
    void keepsTheOriginalHeadersOnADeadLetter() {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("animals", null, TestKafka.utf8("with-headers"),
                TestKafka.utf8("not json"), List.of(new RecordHeader("trace", TestKafka.utf8("abc"))));
        TestKafka.send(record);
        List<ConsumerRecord<byte[], byte[]>> dead = TestKafka.readUntil("animals-dlt", (read) -> read.stream()
            .anyMatch((letter) -> "with-headers".equals(TestKafka.utf8(letter.key()))), Duration.ofSeconds(60));
        ConsumerRecord<byte[], byte[]> letter = dead.stream()
            .filter((candidate) -> "with-headers".equals(TestKafka.utf8(candidate.key()))).findFirst().orElseThrow();
        assertThat(TestKafka.header(letter, "trace")).isEqualTo("abc");
        assertThat(TestKafka.utf8(letter.value())).isEqualTo("not json");
    }

    private static Set<String> ids(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(topic);
        Set<String> ids = records.stream().map(AnimalsStreamIntegrationTests::idOf)
            .collect(Collectors.toCollection(TreeSet::new));
        assertThat(records).as("no record of " + topic + " is repeated").hasSize(ids.size());
        return ids;
    }

    private static String idOf(ConsumerRecord<byte[], byte[]> record) {
        return TestKafka.utf8(record.value()).replaceAll("^\\{\"id\":(\\d+),.*$", "$1");
    }

    private static Set<String> expectedIds(String... names) {
        Set<String> wanted = Set.of(names);
        String[] all = { "fish", "shark", "bat", "spider", "bird", "cat", "dog" };
        Set<String> ids = new TreeSet<>();
        for (int id = 0; id < VALID.size(); id++) {
            if (wanted.contains(all[id % all.length])) {
                ids.add(String.valueOf(id));
            }
        }
        return ids;
    }
}
