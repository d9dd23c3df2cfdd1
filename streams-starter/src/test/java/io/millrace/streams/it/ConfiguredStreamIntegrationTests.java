package io.millrace.streams.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streams defined in configuration alone, against a real broker: a pass-through copy, a manual and a random
 * partitioner, and the stream's properties reaching its input processor's {@code init}.
 */
class ConfiguredStreamIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The properties each worker's {@code init} saw. */
    private static final List<Map<String, String>> INITIALIZED = new CopyOnWriteArrayList<>();

    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() {
        TestKafka.createTopic("copy-in", 3);
        TestKafka.createTopic("pinned-in", 3);
        TestKafka.createTopic("spread-in", 1);
        // Exists before the stream starts, with more partitions than its input: random must use this topic's count.
        TestKafka.createTopic("spread-out", 3);
        context = new SpringApplicationBuilder(ConfiguredApplication.class).web(WebApplicationType.NONE).run(
                "--spring.kafka.bootstrap-servers=" + TestKafka.brokers(),
                "--millrace.application-id=configured-test",
                "--millrace.streams.copy.input=copy-in",
                "--millrace.streams.copy.outputs.copy-out.partitioner=hash",
                "--millrace.streams.pinned.input=pinned-in",
                "--millrace.streams.pinned.schema=string",
                "--millrace.streams.pinned.processor=tenantTag",
                "--millrace.streams.pinned.properties.tenant=acme",
                "--millrace.streams.pinned.outputs.pinned-out.partitioner=manual",
                "--millrace.streams.pinned.outputs.pinned-out.partition=2",
                "--millrace.streams.spread.input=spread-in",
                "--millrace.streams.spread.schema=string",
                "--millrace.streams.spread.outputs.spread-out.partitioner=random");
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void aPassThroughStreamCopiesKeysValuesAndHeadersFromItsInputToItsOutput() {
        try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
            for (int i = 0; i < 10; i++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("copy-in", TestKafka.utf8("k" + i),
                        new byte[] { (byte) i, (byte) 0xff, 0 });
                record.headers().add(new RecordHeader("trace", TestKafka.utf8("t-" + i)));
                producer.send(record);
            }
            // A record without a key stays without a key.
            producer.send(new ProducerRecord<>("copy-in", null, TestKafka.utf8("keyless")));
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> copied = TestKafka.readUntil("copy-out",
                (records) -> records.size() >= 11, TIMEOUT);
        assertThat(copied).hasSize(11);
        for (int i = 0; i < 10; i++) {
            String key = "k" + i;
            byte[] value = { (byte) i, (byte) 0xff, 0 };
            String trace = "t-" + i;
            assertThat(copied).filteredOn((record) -> key.equals(TestKafka.utf8(record.key()))).singleElement()
                .satisfies((record) -> {
                    assertThat(record.value()).isEqualTo(value);
                    assertThat(TestKafka.header(record, "trace")).isEqualTo(trace);
                });
        }
        assertThat(copied).filteredOn((record) -> record.key() == null).singleElement()
            .satisfies((record) -> assertThat(TestKafka.utf8(record.value())).isEqualTo("keyless"));
    }

    @Test
    void aManualPartitionerWritesEveryRecordToItsPartitionAndThePropertiesReachInit() {
        TestKafka.send("pinned-in", IntStream.range(0, 20)
            .mapToObj((i) -> new String[] { "key-" + i, "value-" + i })
            .toList());
        List<ConsumerRecord<byte[], byte[]>> pinned = TestKafka.readUntil("pinned-out",
                (records) -> records.size() >= 20, TIMEOUT);
        assertThat(pinned).hasSize(20).allSatisfy((record) -> assertThat(record.partition()).isEqualTo(2));
        assertThat(pinned).extracting((record) -> TestKafka.utf8(record.value()))
            .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 20).mapToObj((i) -> "acme:value-" + i).toList());
        assertThat(INITIALIZED).isNotEmpty().allSatisfy((properties) -> assertThat(properties)
            .containsExactly(Map.entry("tenant", "acme")));
    }

    @Test
    void aRandomPartitionerSpreadsOneKeyOverEveryPartitionOfTheOutputTopic() {
        TestKafka.send("spread-in", IntStream.range(0, 60).mapToObj((i) -> new String[] { "same", "v" + i }).toList());
        List<ConsumerRecord<byte[], byte[]>> spread = TestKafka.readUntil("spread-out",
                (records) -> records.size() >= 60, TIMEOUT);
        // 60 records all missing one of 3 partitions at random: about 3 * (2/3)^60, never.
        assertThat(spread).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2).contains(0, 1, 2);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class ConfiguredApplication {

        @Bean
        TenantTag tenantTag() {
            return new TenantTag();
        }
    }

    /** Prefixes each value with the tenant its worker was initialized with. */
    static class TenantTag implements InputProcessor<String, String> {

        @Override
        public void init(StreamContext context) {
            INITIALIZED.add(Map.copyOf(context.properties()));
            context.attributes().put("tenant", context.properties().get("tenant"));
        }

        @Override
        public String ingest(String value, StreamContext context) {
            return context.attributes().get("tenant") + ":" + value;
        }
    }
}
