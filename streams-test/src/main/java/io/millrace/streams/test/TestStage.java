package io.millrace.streams.test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;

import io.millrace.streams.runtime.Guarantee;
import io.millrace.streams.runtime.StreamResources;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.runtime.internal.Stages;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;
import io.millrace.streams.strategy.ProcessingStrategy;
import io.millrace.streams.strategy.ProcessingStrategyFactory;
import io.millrace.streams.strategy.RecordLimits;
import io.millrace.streams.strategy.RecordSize;
import io.millrace.streams.table.Tables;

/**
 * One stage of a stream in the driver, as one consumer client that owns every partition of its input: the pipeline
 * the runtime builds for it ({@link Stages#strategy}), fed record by record on the calling thread, its offsets
 * committed as the runtime's at-least-once committer commits what the pipeline reports.
 */
final class TestStage {

    private final String stream;

    private final Stages.Stage stage;

    private final StreamSettings settings;

    private final TestTables tables;

    private final StreamStats stats = new StreamStats();

    private final ProcessingStrategyFactory factory;

    private final ProcessingStrategy<ConsumerRecord<byte[], byte[]>> strategy;

    private final TestTopics.Topic input;

    /** The next offset to hand to the pipeline, per input partition. */
    private final int[] positions;

    private final Map<TopicPartition, Long> committed = new HashMap<>();

    private boolean closed;

    private final TestProducer producer;

    TestStage(String stream, Stages.Stage stage, StreamSettings settings, String applicationId, TestTopics topics,
            TestClock clock) {
        this.stream = stream;
        this.stage = stage;
        this.settings = settings;
        this.input = topics.topic(stage.definition().input());
        this.positions = new int[this.input.partitions()];
        this.tables = stage.definition().tables().isEmpty() ? null : new TestTables(stage.definition().tables(),
                applicationId, settings.guarantee() == Guarantee.EXACTLY_ONCE, clock);
        this.producer = new TestProducer(topics, clock);
        StreamResources resources = new StreamResources(stage.definition(), settings,
                this.producer, new DeadLetters(stage.deadLetterTopic(), stream, stage.groupId()),
                this.stats, clock, (this.tables != null) ? this.tables : Tables.NONE,
                RecordLimits.of(RecordSize.DEFAULT_MAX_REQUEST_SIZE));
        this.factory = Stages.strategy(stage.definition()).create(resources);
        Map<TopicPartition, Long> assigned = new HashMap<>();
        for (int partition = 0; partition < this.positions.length; partition++) {
            assigned.put(new TopicPartition(this.input.name(), partition), 0L);
        }
        this.strategy = this.factory.createWithPartitions(this::commit, assigned);
    }

    private void commit(Map<TopicPartition, Long> offsets, boolean force) {
        if (this.tables != null) {
            // As the runtime's committers do: the tables' writes go to their changelogs (the latest value of each key
            // once) before the offsets are committed.
            offsets.keySet().forEach((partition) -> this.tables.sendChangelogs(partition.partition(),
                    (record) -> this.producer.send(record, record)));
        }
        this.committed.putAll(offsets);
        if (this.tables != null) {
            offsets.keySet().forEach((partition) -> this.tables.committed(partition.partition()));
        }
    }

    String stream() {
        return this.stream;
    }

    Stages.Stage stage() {
        return this.stage;
    }

    String input() {
        return this.stage.definition().input();
    }

    TestTables tables() {
        return this.tables;
    }

    StreamStats stats() {
        return this.stats;
    }

    Map<TopicPartition, Long> committed() {
        return this.committed;
    }

    /**
     * Hands every record of the input not yet handed over to the pipeline, in offset order per partition.
     * @return whether there was any
     */
    boolean consume() {
        boolean consumed = false;
        for (int partition = 0; partition < this.positions.length; partition++) {
            List<TestRecord> log = this.input.partition(partition);
            while (this.positions[partition] < log.size()) {
                submit(log.get(this.positions[partition]++));
                consumed = true;
            }
        }
        return consumed;
    }

    private void submit(TestRecord record) {
        ConsumerRecord<byte[], byte[]> consumed = new ConsumerRecord<>(record.topic(), record.partition(),
                record.offset(), record.timestamp(), TimestampType.CREATE_TIME,
                (record.keyBytes() != null) ? record.keyBytes().length : -1,
                (record.valueBytes() != null) ? record.valueBytes().length : -1, record.keyBytes(),
                record.valueBytes(), record.headers(), Optional.empty());
        this.stats.onConsumed(1);
        Message<ConsumerRecord<byte[], byte[]>> message = Message.of(consumed);
        for (int attempt = 0;; attempt++) {
            try {
                this.strategy.submit(message);
                break;
            }
            catch (MessageRejected ex) {
                // As the poll loop: drive the pipeline, then hand the record over again.
                if (attempt > this.settings.maxInFlight()) {
                    throw new IllegalStateException("Stream '" + this.stream + "' keeps rejecting " + record, ex);
                }
                this.strategy.poll();
            }
        }
        this.strategy.poll();
    }

    /** One turn of the poll loop without records: time-driven work (commit interval, batch time) happens. */
    void poll() {
        if (!this.closed) {
            this.strategy.poll();
        }
    }

    /** Shuts the stage down as a clean stop does: finishes its work and commits it. */
    void close() {
        if (this.closed) {
            return;
        }
        this.closed = true;
        try {
            this.strategy.close();
            this.strategy.join(Duration.ZERO.plus(this.settings.shutdownTimeout()));
        }
        finally {
            this.factory.shutdown();
        }
    }
}
