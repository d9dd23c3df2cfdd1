package io.millrace.streams.runtime.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.runtime.StreamStats;

/**
 * At-least-once: the offsets of finished records are committed asynchronously each turn, contiguously per
 * partition; a failed commit is sent again with the next one unless a later commit of its partition superseded it.
 * Nothing is lost on a crash; records finished after the last commit are repeated.
 */
final class AtLeastOnceCommitter implements Committer {

    private static final Logger logger = LoggerFactory.getLogger(AtLeastOnceCommitter.class);

    private final Consumer<byte[], byte[]> consumer;

    private final LoopPipeline pipeline;

    private final TableGate tables;

    private final ConsumerLoop.LoopListener listener;

    private final StreamStats stats;

    private final Duration timeout;

    private final Clock clock;

    /** Offsets the pipeline reported and not yet sent to the broker. */
    private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();

    /** Per partition, the offset of the latest commit sent: a failed older commit is not retried. */
    private final Map<TopicPartition, OffsetAndMetadata> lastSent = new HashMap<>();

    /** Asynchronous commits sent and not yet answered. */
    private int pendingCommits;

    AtLeastOnceCommitter(Consumer<byte[], byte[]> consumer, LoopPipeline pipeline, TableGate tables,
            ConsumerLoop.LoopListener listener, StreamStats stats, Duration timeout, Clock clock) {
        this.consumer = consumer;
        this.pipeline = pipeline;
        this.tables = tables;
        this.listener = listener;
        this.stats = stats;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public void init() {
    }

    @Override
    public void finished(TopicPartition partition, long nextOffset) {
        this.toCommit.put(partition, new OffsetAndMetadata(nextOffset));
    }

    @Override
    public void forced() {
        commitNow();
    }

    @Override
    public void beforeSubmit() {
    }

    @Override
    public boolean commitIfDue() {
        if (this.toCommit.isEmpty()) {
            return true;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = this.pipeline.pastMarkers(this.toCommit);
        this.toCommit.clear();
        this.lastSent.putAll(offsets);
        Instant sent = this.clock.instant();
        this.pendingCommits++;
        this.consumer.commitAsync(offsets, (committed, ex) -> {
            this.pendingCommits--;
            this.stats.onCommitted(Duration.between(sent, this.clock.instant()).toNanos());
            if (ex != null) {
                // Commit them again with the next commit: if no record of a partition came after them, nothing
                // else would, and a clean stop would leave them uncommitted (the next owner would repeat their
                // records and count them twice in its tables). A commit sent since supersedes them.
                logger.warn("Commit of {} failed; retrying it with the next commit: {}", offsets, ex.toString());
                retry(offsets);
            }
            else {
                this.listener.committed(committed);
                this.tables.committed(committed.keySet());
            }
        });
        return false;
    }

    /**
     * Queues offsets whose asynchronous commit failed again, unless a later commit of their partition was sent
     * since or the partition left the loop. Runs on the loop's thread (commit callbacks do).
     */
    private void retry(Map<TopicPartition, OffsetAndMetadata> failed) {
        Set<TopicPartition> assignment = this.consumer.assignment();
        failed.forEach((partition, offset) -> {
            if (assignment.contains(partition) && offset.equals(this.lastSent.get(partition))) {
                this.toCommit.merge(partition, offset,
                        (queued, again) -> (queued.offset() >= again.offset()) ? queued : again);
            }
        });
    }

    @Override
    public void commitNow() {
        awaitPendingCommits();
        if (this.toCommit.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = this.pipeline.pastMarkers(this.toCommit);
        this.toCommit.clear();
        this.lastSent.putAll(offsets);
        try {
            this.consumer.commitSync(offsets, this.timeout);
            this.listener.committed(offsets);
            this.tables.committed(offsets.keySet());
        }
        catch (KafkaException ex) {
            // Partitions that stay are committed again with the next commit, like a failed asynchronous commit;
            // those that leave are dropped by forget(): their next owner repeats their records.
            logger.warn("Commit of {} failed; committing again with the next commit what stays assigned: {}",
                    offsets, ex.toString());
            retry(offsets);
        }
    }

    /**
     * Waits for the asynchronous commits still in flight, so that one that fails is queued again before a final
     * synchronous commit: an empty synchronous commit completes them and runs their callbacks.
     */
    private void awaitPendingCommits() {
        if (this.pendingCommits > 0) {
            try {
                this.consumer.commitSync(Map.of(), this.timeout);
            }
            catch (KafkaException ex) {
                logger.debug("Waiting for pending commits failed: {}", ex.toString());
            }
        }
    }

    @Override
    public void lost(Collection<TopicPartition> partitions) {
        forget(partitions);
    }

    @Override
    public boolean failed() {
        // Offsets already reported belong to finished records: committing them is safe and saves repeats.
        try {
            commitNow();
        }
        catch (RuntimeException ex) {
            logger.warn("Committing after a failure failed: {}", ex.toString());
        }
        return true;
    }

    @Override
    public void forget(Collection<TopicPartition> partitions) {
        this.toCommit.keySet().removeAll(partitions);
        this.lastSent.keySet().removeAll(partitions);
    }

    @Override
    public void pipelineBuilt(Map<TopicPartition, Long> resumeOffsets) {
    }
}
