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
import java.util.concurrent.atomic.AtomicInteger;

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
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.runtime.Guarantee;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamResources;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.ProcessingStrategy;
import io.millrace.streams.strategy.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PipelineFactory}: the default pipeline driven by a {@link ConsumerLoop} on a
 * {@link MockConsumer} and a {@link MockProducer}.
 */
class PipelineFactoryTests {

    private static final TopicPartition P0 = new TopicPartition("in", 0);

    /** Commits after every record so that a single turn shows its offsets; a fixed clock never ends an interval. */
    private static final StreamSettings SETTINGS = new StreamSettings(true, Guarantee.AT_LEAST_ONCE, 1, 100, null,
            Duration.ofMinutes(1), 1, RetryPolicy.NONE, Duration.ofSeconds(5), Map.of("suffix", "!"), Map.of(),
            Map.of());

    private final Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

    private final StreamStats stats = new StreamStats();

    private final DeadLetters deadLetters = new DeadLetters("in-dlt", "fruit", "app-fruit");

    private final CountingIngest ingest = new CountingIngest();

    private final StreamDefinition definition = StreamDefinition.builder("fruit")
        .input("in", Schemas.string(), this.ingest)
        .output("out", Schemas.string(), (OutputProcessor<String, String>) String::toUpperCase)
        .build();

    @Test
    void theDefaultPipelineDecodesIngestsRoutesProducesAndCommits() {
        MockProducer<byte[], byte[]> producer = producer(true);
        ConsumerLoop loop = loop(producer);
        assign(loop);
        addRecord(0, "apple");
        addRecord(1, null);
        addRecord(2, "skip");
        loop.runOnce();

        assertThat(producer.history()).extracting(PipelineFactoryTests::describe)
            .containsExactly("out k0=APPLE!", "in-dlt k1=null");
        assertThat(producer.history().get(1).headers().lastHeader(DeadLetters.REASON).value())
            .asString(StandardCharsets.UTF_8)
            .isEqualTo(InvalidMessage.Reason.INVALID_INPUT.name());
        assertThat(this.consumer.committed(Set.of(P0))).containsEntry(P0, new OffsetAndMetadata(3));
        assertThat(this.stats.consumed()).isEqualTo(3);
        assertThat(this.stats.processed()).isEqualTo(3);
        assertThat(this.stats.filtered()).isEqualTo(1);
        assertThat(this.stats.deadLettered()).isEqualTo(1);
        assertThat(this.stats.deadLetteredByReason()).containsExactly(Map.entry(InvalidMessage.Reason.INVALID_INPUT,
                1L));
        assertThat(this.stats.produced()).containsExactly(Map.entry("out", 1L));
    }

    @Test
    void offsetsAreCommittedOnlyOnceTheBrokerAcknowledgedTheOutputs() {
        MockProducer<byte[], byte[]> producer = producer(false);
        ConsumerLoop loop = loop(producer);
        assign(loop);
        addRecord(0, "apple");
        addRecord(1, "banana");
        loop.runOnce();
        assertThat(producer.history()).hasSize(2);
        assertThat(this.consumer.committed(Set.of(P0))).doesNotContainKey(P0);

        producer.completeNext();
        loop.runOnce();
        assertThat(this.consumer.committed(Set.of(P0))).containsEntry(P0, new OffsetAndMetadata(1));

        producer.completeNext();
        loop.runOnce();
        assertThat(this.consumer.committed(Set.of(P0))).containsEntry(P0, new OffsetAndMetadata(2));
    }

    @Test
    void theInputProcessorsInitRunsOncePerFactoryAndItsContextSurvivesReassignments() {
        PipelineFactory factory = new PipelineFactory(new StreamResources(this.definition, SETTINGS,
                producer(true), this.deadLetters, this.stats, this.clock));
        ProcessingStrategy<ConsumerRecord<byte[], byte[]>> first = factory
            .createWithPartitions((offsets, force) -> {
            }, Map.of(P0, 0L));
        first.close();
        first.join(Duration.ofSeconds(1));
        factory.createWithPartitions((offsets, force) -> {
        }, Map.of(P0, 0L));
        assertThat(this.ingest.inits).hasValue(1);
        assertThat(this.ingest.context.properties()).containsEntry("suffix", "!");
        assertThat(this.ingest.context.stream()).isEqualTo("fruit");
    }

    private ConsumerLoop loop(MockProducer<byte[], byte[]> producer) {
        PipelineFactory factory = new PipelineFactory(new StreamResources(this.definition, SETTINGS,
                producer, this.deadLetters, this.stats, this.clock));
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
        this.consumer.addRecord(new ConsumerRecord<>("in", 0, offset, 0L, TimestampType.CREATE_TIME, -1, -1,
                ("k" + offset).getBytes(StandardCharsets.UTF_8),
                (value != null) ? value.getBytes(StandardCharsets.UTF_8) : null, new RecordHeaders(),
                Optional.empty()));
    }

    private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String describe(ProducerRecord<byte[], byte[]> record) {
        return record.topic() + " " + new String(record.key(), StandardCharsets.UTF_8) + "="
                + ((record.value() != null) ? new String(record.value(), StandardCharsets.UTF_8) : "null");
    }

    /** Appends the stream's {@code suffix} property; drops {@code skip}. */
    private static final class CountingIngest implements InputProcessor<String, String> {

        final AtomicInteger inits = new AtomicInteger();

        volatile StreamContext context;

        @Override
        public void init(StreamContext context) {
            this.inits.incrementAndGet();
            this.context = context;
            context.attributes().put("suffix", context.properties().get("suffix"));
        }

        @Override
        public String ingest(String value, StreamContext context) {
            return "skip".equals(value) ? null : value + context.attributes().get("suffix");
        }
    }
}
