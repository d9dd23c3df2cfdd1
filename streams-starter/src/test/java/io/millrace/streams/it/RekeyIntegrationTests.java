package io.millrace.streams.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.it.RekeyTestApplication.Scenario;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamState;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.test.TestKafka;

import static io.millrace.streams.it.RekeyTestApplication.NO_KEY;
import static io.millrace.streams.it.RekeyTestApplication.OUTPUT;
import static io.millrace.streams.it.RekeyTestApplication.STREAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A re-keyed stream against a real broker, under exactly-once: every record arrives once, in the order of its new
 * key, with its event time and headers, whatever the input keys and however partitions move between two instances;
 * the repartition topic is created with the configured partitions and emptied of what the second stage committed.
 */
class RekeyIntegrationTests {

    private static final String EXACTLY_ONCE = "--millrace.streams." + STREAM + ".guarantee=exactly-once";

    private static final long BASE_TIME = 1_700_000_000_000L;

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    private final Random random = new Random(12);

    @AfterEach
    void stop() {
        this.contexts.stream().filter(ConfigurableApplicationContext::isActive)
            .forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void reKeyingKeepsEveryRecordOnceInTheOrderOfItsNewKey(@TempDir Path stateDir) {
        Scenario scenario = Scenario.create("order", 4);
        ConfigurableApplicationContext context = start(scenario, stateDir,
                "--millrace.streams." + STREAM + ".repartition.partitions=3");
        StreamManager manager = context.getBean(StreamManager.class);
        int keys = 10;
        int perKey = 60;
        send(scenario, keys, 0, perKey);
        TestKafka.send(scenario.input(), "any", NO_KEY + ":0");

        Map<String, List<String[]>> received = awaitOutputs(scenario, keys * perKey);
        assertExactlyInOrder(scenario, received, keys, perKey);
        assertThat(TestKafka.partitions(scenario.repartition())).isEqualTo(3);

        List<ConsumerRecord<byte[], byte[]>> deadLetters = TestKafka.readUntil(scenario.deadLetters(),
                (records) -> !records.isEmpty(), Duration.ofSeconds(30));
        assertThat(deadLetters).singleElement().satisfies((record) -> {
            assertThat(TestKafka.utf8(record.value())).isEqualTo(NO_KEY + ":0");
            assertThat(TestKafka.header(record, "millrace_dlt-reason")).isEqualTo("PROCESSOR_FAILED");
            assertThat(TestKafka.header(record, "kafka_dlt-exception-message")).contains("returned no key");
        });

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            StreamView view = manager.stream(STREAM).orElseThrow();
            assertThat(view.state()).isEqualTo(StreamState.RUNNING);
            assertThat(view.stages()).hasSize(2);
            StreamView.StageView first = view.stages().get(0);
            StreamView.StageView second = view.stages().get(1);
            assertThat(first.input()).isEqualTo(scenario.input());
            assertThat(first.group()).isEqualTo(scenario.application() + "-" + STREAM);
            assertThat(first.outputs()).containsExactly(scenario.repartition());
            assertThat(first.consumed()).isEqualTo(keys * perKey + 1);
            assertThat(first.deadLettered()).isEqualTo(1);
            assertThat(first.partitions()).hasSize(4);
            assertThat(second.input()).isEqualTo(scenario.repartition());
            assertThat(second.group()).isEqualTo(scenario.application() + "-" + STREAM + "-repartition");
            assertThat(second.outputs()).containsExactly(OUTPUT);
            assertThat(second.processed()).isEqualTo(keys * perKey);
            assertThat(second.partitions()).hasSize(3);
            assertThat(view.consumed()).isEqualTo(keys * perKey + 1);
            assertThat(view.processed()).isEqualTo(keys * perKey);
            assertThat(view.deadLettered()).isEqualTo(1);
        });

        // What stage 2 committed is deleted from the repartition topic: its log start offsets reach the records' end.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                sum(earliestOffsets(scenario.repartition()))).isGreaterThanOrEqualTo(keys * perKey));
    }

    @Test
    void twoInstancesLoseNothingWhilePartitionsMove(@TempDir Path one, @TempDir Path two) {
        Scenario scenario = Scenario.create("moves", 4);
        int keys = 8;
        int perKey = 90;
        ConfigurableApplicationContext first = start(scenario, one);
        send(scenario, keys, 0, perKey / 3);
        awaitOutputs(scenario, keys * perKey / 3);

        // A second instance joins both groups: partitions of both stages move while records flow.
        ConfigurableApplicationContext second = start(scenario, two);
        send(scenario, keys, perKey / 3, 2 * perKey / 3);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            StreamView view = second.getBean(StreamManager.class).stream(STREAM).orElseThrow();
            assertThat(view.stages()).allSatisfy((stage) -> assertThat(stage.partitions()).isNotEmpty());
        });
        awaitOutputs(scenario, keys * 2 * perKey / 3);

        // The first leaves while records flow: the second takes every partition of both stages.
        send(scenario, keys, 2 * perKey / 3, perKey);
        first.close();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            StreamView view = second.getBean(StreamManager.class).stream(STREAM).orElseThrow();
            assertThat(view.stages().get(0).partitions()).hasSize(4);
            assertThat(view.stages().get(1).partitions()).hasSize(4);
        });
        Map<String, List<String[]>> received = awaitOutputs(scenario, keys * perKey);
        assertExactlyInOrder(scenario, received, keys, perKey);
    }

    /** Sends sequences {@code from} to {@code to} (exclusive) of each new key, interleaved, under random keys. */
    private void send(Scenario scenario, int keys, int from, int to) {
        try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
            for (int sequence = from; sequence < to; sequence++) {
                for (int key = 0; key < keys; key++) {
                    String value = scenario.prefix() + "k" + key + ":" + sequence;
                    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(scenario.input(), null,
                            BASE_TIME + sequence, TestKafka.utf8(UUID.randomUUID().toString()),
                            TestKafka.utf8(value));
                    record.headers().add("h", TestKafka.utf8("h" + sequence));
                    producer.send(record);
                }
            }
            producer.flush();
        }
    }

    /** The test's output records, by new key: {@code [newKey:sequence, timestamp, header, count]}. */
    private static Map<String, List<String[]>> awaitOutputs(Scenario scenario, int records) {
        List<ConsumerRecord<byte[], byte[]>> read = TestKafka.readUntil(OUTPUT,
                (all) -> all.stream().filter((record) -> mine(scenario, record)).count() >= records,
                Duration.ofSeconds(90));
        Map<String, List<String[]>> byKey = new TreeMap<>();
        read.stream().filter((record) -> mine(scenario, record)).forEach((record) -> {
            String[] fields = TestKafka.utf8(record.value()).split(":");
            assertThat(TestKafka.utf8(record.key())).isEqualTo(fields[0]);
            byKey.computeIfAbsent(fields[0], (key) -> new ArrayList<>()).add(fields);
        });
        return byKey;
    }

    private static boolean mine(Scenario scenario, ConsumerRecord<byte[], byte[]> record) {
        return TestKafka.utf8(record.value()).startsWith(scenario.prefix());
    }

    /**
     * Each new key's sequences once each; in order per input partition (records of one new key from different
     * input partitions have no order to keep); with the input's timestamp and header; counted once each.
     */
    private static void assertExactlyInOrder(Scenario scenario, Map<String, List<String[]>> received, int keys,
            int perKey) {
        assertThat(received).hasSize(keys);
        received.forEach((key, records) -> {
            assertThat(records).extracting((fields) -> Integer.parseInt(fields[1])).as(key)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, perKey).boxed().toList());
            Map<String, Integer> lastPerInputPartition = new TreeMap<>();
            for (int i = 0; i < records.size(); i++) {
                String[] fields = records.get(i);
                int sequence = Integer.parseInt(fields[1]);
                Integer before = lastPerInputPartition.put(fields[2], sequence);
                if (before != null) {
                    assertThat(sequence).as("order of " + key + " from input partition " + fields[2])
                        .isGreaterThan(before);
                }
                assertThat(Long.parseLong(fields[3])).as("event time of " + key).isEqualTo(BASE_TIME + sequence);
                assertThat(fields[4]).as("header of " + key).isEqualTo("h" + sequence);
                assertThat(Long.parseLong(fields[5])).as("count of " + key).isEqualTo(i + 1);
            }
        });
        assertThat(received.keySet()).allSatisfy((key) -> assertThat(key).startsWith(scenario.prefix()));
    }

    private static Map<Integer, Long> earliestOffsets(String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.brokers()))) {
            int partitions = TestKafka.partitions(topic);
            Map<TopicPartition, OffsetSpec> earliest = new java.util.HashMap<>();
            for (int partition = 0; partition < partitions; partition++) {
                earliest.put(new TopicPartition(topic, partition), OffsetSpec.earliest());
            }
            return admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap((entry) -> entry.getKey().partition(), (entry) -> entry.getValue().offset(),
                        (a, b) -> a, TreeMap::new));
        }
        catch (Exception ex) {
            throw new IllegalStateException("Cannot list the earliest offsets of " + topic, ex);
        }
    }

    private static long sum(Map<Integer, Long> values) {
        return values.values().stream().mapToLong(Long::longValue).sum();
    }

    private ConfigurableApplicationContext start(Scenario scenario, Path stateDir, String... more) {
        List<String> args = new ArrayList<>(List.of(EXACTLY_ONCE));
        args.addAll(List.of(more));
        ConfigurableApplicationContext context = scenario.start(stateDir, args.toArray(String[]::new));
        this.contexts.add(context);
        return context;
    }
}
