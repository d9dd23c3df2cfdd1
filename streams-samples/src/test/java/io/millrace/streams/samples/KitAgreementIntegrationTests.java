package io.millrace.streams.samples;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import io.millrace.streams.autoconfigure.MillraceStreams;
import io.millrace.streams.samples.animalcounts.AnimalCounter;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.table.WindowKeys;
import io.millrace.streams.test.MillraceTestDriver;
import io.millrace.streams.test.TestKafka;
import io.millrace.streams.test.TestRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The kit agrees with the broker: one corpus of good records and of every kind of input the samples' schemas
 * reject, sent to the sample streams running against a real broker and to a {@link MillraceTestDriver} built from
 * the very same streams (the running application's {@link MillraceStreams} bean), gives the same outputs (keys,
 * values, headers, in order per key), the same dead letters with the same reason headers, and the same table
 * contents (the broker's read from the tables' changelogs).
 *
 * <p>The sample tests' shared broker would mix their records with this test's in the samples' output topics, so this
 * test starts a broker of its own.
 */
class KitAgreementIntegrationTests {

    private static final String APPLICATION = "agreement-test";

    private static final String ANIMALS = "animals";

    private static final String SENTENCES = "sentences";

    private static final long BASE = 1_000_000_000_000L;

    private static EmbeddedKafkaKraftBroker kafka;

    @TempDir
    static Path stateDir;

    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() {
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        // A starting broker points spring.embedded.kafka.brokers (and its broker-list property) at itself: put back
        // the suite's shared broker, which the other sample tests use after this one.
        kafka.brokerListProperty("millrace.kit-agreement.brokers");
        String shared = System.getProperty("spring.embedded.kafka.brokers");
        kafka.brokerProperties(Map.of("auto.create.topics.enable", "false", "group.initial.rebalance.delay.ms", "0",
                "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1",
                "transaction.state.log.num.partitions", "4"));
        try {
            kafka.afterPropertiesSet();
        }
        finally {
            if (shared != null) {
                System.setProperty("spring.embedded.kafka.brokers", shared);
            }
            else {
                System.clearProperty("spring.embedded.kafka.brokers");
            }
        }
        kafka.addTopics(new NewTopic(ANIMALS, 1, (short) 1), new NewTopic(SENTENCES, 1, (short) 1),
                // More partitions than its writer's input: the kit must follow the topic as it is.
                new NewTopic("words", 3, (short) 1));
        context = new SpringApplicationBuilder(SamplesTestApplication.class).web(WebApplicationType.NONE)
            .run("--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                    "--millrace.application-id=" + APPLICATION, "--millrace.state-dir=" + stateDir,
                    "--millrace.streams.animal-counts.dead-letter-topic=animal-counts-dlt");
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
        if (kafka != null) {
            kafka.destroy();
        }
    }

    /** One record of the corpus. */
    record Input(String topic, String key, String value, long timestamp, Map<String, String> headers) {
    }

    private static List<Input> corpus() {
        List<Input> corpus = new ArrayList<>();
        String[] names = { "Fish", " SHARK ", "bat", "Spider", "bird", "cat" };
        for (int i = 0; i < 36; i++) {
            corpus.add(new Input(ANIMALS, "agree-" + i, "{\"id\": " + i + ", \"name\": \"" + names[i % names.length]
                    + "\", \"value\": " + i + ", \"labels\": {\"n\": \"" + i + "\"}, \"extra\": [1, 2]}",
                    BASE + i * 1_500L, Map.of("trace", "t" + i)));
        }
        String[][] invalid = { { "bad-json", "{\"id\": 1000, \"name\": " }, { "not-json", "animal" },
                { "missing-id", "{\"name\": \"shark\", \"value\": 1}" },
                { "null-id", "{\"id\": null, \"name\": \"shark\", \"value\": 1}" },
                { "blank-name", "{\"id\": 1001, \"name\": \"  \", \"value\": 1}" },
                { "string-value", "{\"id\": 1002, \"name\": \"fish\", \"value\": \"5\"}" },
                { "string-id", "{\"id\": \"1003\", \"name\": \"fish\", \"value\": 5}" },
                { "number-name", "{\"id\": 1004, \"name\": 123, \"value\": 5}" },
                { "negative", "{\"id\": 1005, \"name\": \"bat\", \"value\": -1}" },
                { "overflow", "{\"id\": 1006, \"name\": \"bat\", \"value\": 3000000000}" },
                { "fraction", "{\"id\": 1007, \"name\": \"bat\", \"value\": 1.5}" },
                { "duplicate-key", "{\"id\": 1008, \"name\": \"bat\", \"name\": \"cat\", \"value\": 1}" },
                { "labels-not-strings", "{\"id\": 1009, \"name\": \"bat\", \"value\": 1, \"labels\": {\"a\": 1}}" },
                { "array", "[1, 2]" }, { "empty", "" }, { "tombstone", null } };
        for (int i = 0; i < invalid.length; i++) {
            corpus.add(new Input(ANIMALS, "agree-" + invalid[i][0], invalid[i][1], BASE + 54_000 + i,
                    Map.of("kind", invalid[i][0])));
        }
        // Late for animal-counts: its window [BASE, BASE + 10 s) closed long ago.
        corpus.add(new Input(ANIMALS, "agree-late", "{\"id\": 2000, \"name\": \"bat\", \"value\": 1}", BASE + 1_000,
                Map.of()));
        // Moves the stream time on, so that every window of the corpus closes.
        corpus.add(new Input(ANIMALS, "agree-last", "{\"id\": 2001, \"name\": \"bird\", \"value\": 1}",
                BASE + 200_000, Map.of()));
        String[] texts = { "Otter, heron; willow!", "reed weir otter", "SLUICE sluice otter heron", "   ",
                "weir's reed" };
        for (int i = 0; i < texts.length; i++) {
            corpus.add(new Input(SENTENCES, "agree-s" + i, "{\"id\": " + i + ", \"text\": \"" + texts[i] + "\"}",
                    BASE + i, Map.of()));
        }
        corpus.add(new Input(SENTENCES, "agree-s-no-text", "{\"id\": 9}", BASE, Map.of()));
        corpus.add(new Input(SENTENCES, "agree-s-number", "{\"id\": 9, \"text\": 5}", BASE, Map.of()));
        corpus.add(new Input(SENTENCES, "agree-s-tombstone", null, BASE, Map.of()));
        return corpus;
    }

    @Test
    void theKitAndTheBrokerGiveTheSameOutputsDeadLettersAndTables() {
        List<Input> corpus = corpus();
        MillraceStreams streams = context.getBean(MillraceStreams.class);
        Map<String, List<String>> kit = new TreeMap<>();
        Map<String, Map<String, String>> kitTables = new TreeMap<>();
        try (MillraceTestDriver driver = MillraceTestDriver.builder().streams(streams.definitions())
            .settings(streams.settings()).applicationId(streams.applicationId())
            .partitions("words", 3)
            .build()) {
            for (Input input : corpus) {
                driver.input(input.topic()).send(input.key(), input.value(), input.timestamp(), input.headers());
            }
            for (String topic : List.of("aquatic", "spooky", "flying", "words", "word-counts", "animal-counts",
                    ANIMALS + "-dlt", "animal-counts-dlt", SENTENCES + "-dlt")) {
                kit.put(topic, describe(topic, driver.output(topic).records().stream().map(KitAgreementIntegrationTests::of)
                    .toList()));
            }
            Map<String, String> counts = new TreeMap<>();
            driver.<String, Long>table("word-counts").forEach((word, count) -> counts.put(word, String.valueOf(count)));
            kitTables.put("word-counts", counts);
            Map<String, String> windows = new TreeMap<>();
            driver.<String, Long>windowedTable(AnimalCounter.TABLE).forEach((window) -> windows
                .put(window.key() + "@" + window.windowStart(), String.valueOf(window.value())));
            kitTables.put("animal-counts", windows);
        }
        assertThat(kit.get(ANIMALS + "-dlt")).hasSize(16);
        assertThat(kit.get("animal-counts-dlt")).hasSize(17);
        assertThat(kit.get(SENTENCES + "-dlt")).hasSize(3);
        assertThat(kit.get("aquatic")).hasSize(12);
        assertThat(kit.get("spooky")).hasSize(13);
        assertThat(kit.get("flying")).hasSize(14);
        assertThat(kit.get("words")).hasSize(12);
        assertThat(kit.get("word-counts")).hasSize(12);
        assertThat(kit.get("animal-counts")).hasSize(32);

        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.getBrokersAsString()), new ByteArraySerializer(), new ByteArraySerializer());
        for (Input input : corpus) {
            RecordHeaders headers = new RecordHeaders();
            input.headers().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(input.topic(), null, input.timestamp(), TestKafka.utf8(input.key()),
                    TestKafka.utf8(input.value()), headers));
        }
        producer.flush();
        producer.close();
        Map<String, List<String>> broker = new TreeMap<>();
        for (String topic : kit.keySet()) {
            int expected = kit.get(topic).size();
            List<ConsumerRecord<byte[], byte[]>> records = readUntil(topic,
                    (read) -> describe(topic, read.stream().map(KitAgreementIntegrationTests::of).toList()).size() >= expected,
                    Duration.ofSeconds(90));
            broker.put(topic, describe(topic, records.stream().map(KitAgreementIntegrationTests::of).toList()));
        }
        kit.forEach((topic, described) -> assertThat(broker.get(topic)).as(topic).isEqualTo(described));

        Map<String, Map<String, String>> brokerTables = new TreeMap<>();
        // A changelog gets each key's latest value at the stream's commits: read until it holds the kit's (or time out).
        brokerTables.put("word-counts", lastValues(APPLICATION + "-word-counts-changelog", false,
                kitTables.get("word-counts")));
        brokerTables.put("animal-counts", lastValues(APPLICATION + "-animal-counts-changelog", true,
                kitTables.get("animal-counts")));
        assertThat(brokerTables).isEqualTo(kitTables);
    }

    /** A record as both sides see it: what the broker's records and the kit's have in common. */
    record Seen(String key, byte[] value, Headers headers) {
    }

    private static Seen of(TestRecord record) {
        return new Seen(record.key(), record.valueBytes(), record.headers());
    }

    private static Seen of(ConsumerRecord<byte[], byte[]> record) {
        return new Seen(TestKafka.utf8(record.key()), record.value(), record.headers());
    }

    /**
     * A topic's records, described for comparison: key, value and every header but the stack trace (its
     * frames differ, the kit has no consumer loop), ordered per key as both keep them, and keys in order.
     */
    private static List<String> describe(String topic, List<Seen> records) {
        Map<String, List<String>> byKey = new TreeMap<>();
        for (Seen record : records) {
            StringBuilder text = new StringBuilder(String.valueOf(record.key())).append(" = ")
                .append((record.value() != null) ? new String(record.value(), StandardCharsets.UTF_8) : "null");
            for (Header header : record.headers()) {
                if (!header.key().equals(DeadLetters.EXCEPTION_STACKTRACE)) {
                    text.append(" | ").append(header.key()).append('=')
                        .append(Base64.getEncoder().encodeToString(header.value()));
                }
            }
            byKey.computeIfAbsent(String.valueOf(record.key()), (key) -> new ArrayList<>()).add(text.toString());
        }
        List<String> described = new ArrayList<>();
        byKey.values().forEach(described::addAll);
        return described;
    }

    /** The last value of each key of a changelog: the table's contents. */
    private static Map<String, String> lastValues(String changelog, boolean windowed, Map<String, String> expected) {
        Map<String, String> values = new TreeMap<>();
        readUntil(changelog, (records) -> {
            values.clear();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (windowed && WindowKeys.isMeta(record.key())) {
                    continue;
                }
                String key = windowed ? TestKafka.utf8(WindowKeys.key(record.key())) + "@"
                        + WindowKeys.start(record.key()) : TestKafka.utf8(record.key());
                if (record.value() == null) {
                    values.remove(key);
                }
                else {
                    values.put(key, TestKafka.utf8(record.value()));
                }
            }
            return values.equals(expected);
        }, Duration.ofSeconds(60));
        return values;
    }

    /** Reads a topic of this test's broker from the beginning until the records read satisfy the condition. */
    private static List<ConsumerRecord<byte[], byte[]>> readUntil(String topic,
            Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                kafka.getBrokersAsString(), "isolation.level", "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            await().atMost(timeout).until(() -> {
                partitions.clear();
                consumer.partitionsFor(topic).forEach((info) -> partitions.add(new TopicPartition(topic,
                        info.partition())));
                return !partitions.isEmpty();
            });
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(timeout).pollInterval(Duration.ofMillis(10)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return done.test(records);
            });
        }
        return records;
    }
}
