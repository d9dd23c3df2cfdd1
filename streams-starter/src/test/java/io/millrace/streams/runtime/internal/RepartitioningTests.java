package io.millrace.streams.runtime.internal;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.runtime.Guarantee;
import io.millrace.streams.runtime.Rekey;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamResources;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.RecordLimits;
import io.millrace.streams.strategy.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Repartitioning}, the first stage of a re-keyed stream, on a {@link MockConsumer} and a
 * {@link MockProducer}: each result goes to the repartition topic under its new key, with the input processor's
 * event time and the input's headers; a missing key, invalid input and a record too large for the topic are
 * dead-lettered; offsets are committed once the records are acknowledged.
 */
class RepartitioningTests {

    private static final TopicPartition P0 = new TopicPartition("in", 0);

    private static final String TOPIC = "app-words-repartition";

    private static final StreamSettings SETTINGS = new StreamSettings(true, Guarantee.AT_LEAST_ONCE, 1, 100, null,
            Duration.ofMinutes(1), 1, RetryPolicy.NONE, Duration.ofSeconds(5), Map.of(), Map.of(), Map.of());

    private final Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

    private final StreamStats stats = new StreamStats();

    private final DeadLetters deadLetters = new DeadLetters("in-dlt", "words", "app-words");

    /** Trims; its event time is the length of the value times 1000. */
    private final InputProcessor<String, String> trim = new InputProcessor<>() {

        @Override
        public String ingest(String value, StreamContext context) {
            return "skip".equals(value) ? null : value.trim();
        }

        @Override
        public long eventTime(String value, StreamContext context) {
            return value.length() * 1000L;
        }
    };

    /** The new key is the first word, none for a value starting with {@code -}. */
    private final Rekey<String> rekey = new Rekey<>((value) -> value.startsWith("-") ? null : value.split(" ")[0],
            Schemas.string(), (value, context) -> value);

    private final StreamDefinition definition = StreamDefinition.builder("words")
        .input("in", Schemas.string(), this.trim)
        .build();

    @Test
    void eachResultGoesToTheRepartitionTopicUnderItsNewKeyWithItsEventTimeAndHeaders() {
        MockProducer<byte[], byte[]> producer = producer();
        ConsumerLoop loop = loop(producer, RecordLimits.of(1_000_000));
        assign(loop);
        addRecord(0, " fox jumps ");
        addRecord(1, "skip");
        addRecord(2, null);
        addRecord(3, "-no key");
        loop.runOnce();

        assertThat(producer.history()).hasSize(3);
        ProducerRecord<byte[], byte[]> rekeyed = producer.history().get(0);
        assertThat(rekeyed.topic()).isEqualTo(TOPIC);
        assertThat(utf8(rekeyed.key())).isEqualTo("fox");
        assertThat(utf8(rekeyed.value())).isEqualTo("fox jumps");
        assertThat(rekeyed.timestamp()).isEqualTo(11_000L);
        assertThat(utf8(rekeyed.headers().lastHeader("trace").value())).isEqualTo("t0");
        assertThat(producer.history().subList(1, 3)).allSatisfy((record) -> assertThat(record.topic())
            .isEqualTo("in-dlt"));
        assertThat(reason(producer.history().get(1))).isEqualTo(InvalidMessage.Reason.INVALID_INPUT.name());
        assertThat(reason(producer.history().get(2))).isEqualTo(InvalidMessage.Reason.PROCESSOR_FAILED.name());
        assertThat(utf8(producer.history().get(2).headers().lastHeader("kafka_dlt-exception-message").value()))
            .contains("The key selector of stream 'words' returned no key for the record at in-0@3");
        assertThat(this.consumer.committed(Set.of(P0))).containsEntry(P0, new OffsetAndMetadata(4));
        assertThat(this.stats.filtered()).isEqualTo(1);
        assertThat(this.stats.produced()).containsExactly(Map.entry(TOPIC, 1L));
    }

    @Test
    void aRecordLargerThanTheRepartitionTopicTakesIsDeadLetteredBeforeItIsSent() {
        MockProducer<byte[], byte[]> producer = producer();
        ConsumerLoop loop = loop(producer, RecordLimits.of(1_000_000).withTopicLimits(Map.of(TOPIC, 200)));
        assign(loop);
        addRecord(0, "fox " + "x".repeat(300));
        addRecord(1, "fox small");
        loop.runOnce();
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly("in-dlt", TOPIC);
        assertThat(reason(producer.history().get(0))).isEqualTo(InvalidMessage.Reason.OUTPUT_FAILED.name());
    }

    private ConsumerLoop loop(MockProducer<byte[], byte[]> producer, RecordLimits limits) {
        Repartitioning factory = new Repartitioning(new StreamResources(this.definition, SETTINGS, producer,
                this.deadLetters, this.stats, this.clock, null, limits), TOPIC, this.rekey, this.trim);
        return new ConsumerLoop("in", this.consumer, factory, SETTINGS, this.stats, new ConsumerLoop.LoopListener() {
            @Override
            public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
            }

            @Override
            public void failed(ConsumerLoop loop, Throwable ex) {
            }
        });
    }

    private void assign(ConsumerLoop loop) {
        this.consumer.updateBeginningOffsets(Map.of(P0, 0L));
        this.consumer.subscribe(List.of("in"), loop);
        this.consumer.rebalance(List.of(P0));
    }

    private void addRecord(long offset, String value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", ("t" + offset).getBytes(StandardCharsets.UTF_8));
        this.consumer.addRecord(new ConsumerRecord<>("in", 0, offset, 0L, TimestampType.CREATE_TIME, -1, -1,
                ("k" + offset).getBytes(StandardCharsets.UTF_8),
                (value != null) ? value.getBytes(StandardCharsets.UTF_8) : null, headers, Optional.empty()));
    }

    private static MockProducer<byte[], byte[]> producer() {
        return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String reason(ProducerRecord<byte[], byte[]> record) {
        return utf8(record.headers().lastHeader(DeadLetters.REASON).value());
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
