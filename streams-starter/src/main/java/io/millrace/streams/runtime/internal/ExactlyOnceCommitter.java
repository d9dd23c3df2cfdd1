package io.millrace.streams.runtime.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.runtime.StreamStats;

/**
 * Exactly-once: the client's outputs, dead letters, changelog writes and input offsets commit in one Kafka
 * transaction every commit interval. Before a commit the pipeline is drained, so that the transaction holds exactly
 * the records whose offsets it commits, and built again after it; if it cannot be drained, or the commit fails, the
 * transaction is aborted, its table writes forgotten and every partition rewound to its last committed offset.
 */
final class ExactlyOnceCommitter implements Committer {

    private static final Logger logger = LoggerFactory.getLogger(ExactlyOnceCommitter.class);

    private final Transaction transaction;

    private final Consumer<byte[], byte[]> consumer;

    private final LoopPipeline pipeline;

    private final TableGate tables;

    private final ConsumerLoop.LoopListener listener;

    private final StreamStats stats;

    private final Duration commitInterval;

    private final Clock clock;

    /** Offsets the pipeline reported since the transaction began. */
    private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();

    /** Per partition, the offset of the last committed transaction: where an abort rewinds. */
    private final Map<TopicPartition, Long> committedPositions = new HashMap<>();

    /** When the open transaction began, in clock millis. */
    private long startedAt;

    ExactlyOnceCommitter(Transaction transaction, Consumer<byte[], byte[]> consumer, LoopPipeline pipeline,
            TableGate tables, ConsumerLoop.LoopListener listener, StreamStats stats, Duration commitInterval,
            Clock clock) {
        this.transaction = transaction;
        this.consumer = consumer;
        this.pipeline = pipeline;
        this.tables = tables;
        this.listener = listener;
        this.stats = stats;
        this.commitInterval = commitInterval;
        this.clock = clock;
    }

    @Override
    public void init() {
        this.transaction.init();
    }

    @Override
    public void finished(TopicPartition partition, long nextOffset) {
        this.toCommit.put(partition, new OffsetAndMetadata(nextOffset));
    }

    @Override
    public void forced() {
        // A transaction commits on its interval only: a forced commit would split it from its records.
    }

    @Override
    public void beforeSubmit() {
        if (!this.transaction.isOpen()) {
            this.transaction.begin();
            this.startedAt = this.clock.millis();
        }
    }

    @Override
    public boolean commitIfDue() {
        if (!this.transaction.isOpen()) {
            return true;
        }
        if (this.pipeline.built() && this.clock.millis() - this.startedAt >= this.commitInterval.toMillis()) {
            cycle();
        }
        return false;
    }

    /**
     * Drains the pipeline, commits the transaction (or aborts it if the pipeline could not be drained) and builds
     * the pipeline again. Records fetched and not yet submitted stay buffered.
     */
    private void cycle() {
        commitNow();
        this.pipeline.rebuild();
    }

    @Override
    public void commitNow() {
        // Drains the pipeline (nothing left to drain when the loop closed and joined it before a revoke or a stop).
        if (this.pipeline.drain()) {
            commit();
        }
        else {
            abort();
        }
    }

    private void commit() {
        if (!this.transaction.isOpen()) {
            this.toCommit.clear();
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = this.pipeline.pastMarkers(this.toCommit);
        this.toCommit.clear();
        Instant sent = this.clock.instant();
        try {
            // The tables' writes of this transaction, the latest value of each key once, before it commits.
            this.tables.sendChangelogs(this.consumer.assignment(), this.transaction::send);
            this.transaction.commit(offsets, this.consumer.groupMetadata());
        }
        catch (KafkaException ex) {
            logger.warn("Committing the transaction failed; aborting it: {}", ex.toString());
            abort();
            return;
        }
        this.stats.onCommitted(Duration.between(sent, this.clock.instant()).toNanos());
        offsets.forEach((partition, offset) -> this.committedPositions.put(partition, offset.offset()));
        this.listener.committed(offsets);
        this.tables.committed(this.consumer.assignment());
    }

    /**
     * Aborts the open transaction, forgets its table writes and rewinds every partition to its last committed offset:
     * the records of the aborted transaction are processed again.
     */
    private void abort() {
        this.toCommit.clear();
        this.tables.aborted(this.consumer.assignment());
        try {
            this.transaction.abort();
        }
        finally {
            Map<TopicPartition, Long> rewind = new HashMap<>();
            for (TopicPartition partition : this.consumer.assignment()) {
                Long offset = this.committedPositions.get(partition);
                if (offset != null) {
                    rewind.put(partition, offset);
                }
            }
            this.pipeline.rewind(rewind);
        }
    }

    private void abortQuietly() {
        try {
            abort();
        }
        catch (RuntimeException ex) {
            logger.warn("Aborting the transaction failed: {}", ex.toString());
        }
    }

    @Override
    public void lost(Collection<TopicPartition> partitions) {
        this.toCommit.keySet().removeAll(partitions);
        abortQuietly();
    }

    @Override
    public boolean failed() {
        // Nothing of an unfinished transaction may count: the next owner starts from the last commit.
        abortQuietly();
        return false;
    }

    @Override
    public void forget(Collection<TopicPartition> partitions) {
        this.toCommit.keySet().removeAll(partitions);
        this.committedPositions.keySet().removeAll(partitions);
    }

    @Override
    public void pipelineBuilt(Map<TopicPartition, Long> resumeOffsets) {
        resumeOffsets.forEach(this.committedPositions::putIfAbsent);
    }
}
