package io.millrace.streams.runtime.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.table.ChangelogRecord;

/**
 * At-least-once: the offsets of finished records are committed asynchronously each turn, contiguously per
 * partition; a failed commit is sent again with the next one unless a later commit of its partition superseded it.
 * Nothing is lost on a crash; records finished after the last commit are repeated.
 *
 * <p>Tables write their changelogs at the commit ({@link io.millrace.streams.table.TablePartition#changelogAtCommit()}):
 * before offsets are committed, the tables send the latest value of each key written since the last send, and the
 * offsets wait until the broker acknowledged every one of them (one send in flight at a time), so a committed offset
 * never covers a table write the changelog does not hold. A failed changelog write is sent again with the next
 * commit, which then also carries the offsets it held back. Writes made without records to commit (a quiet
 * partition's closing) are sent once per commit interval.
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

    /** Sends the tables' changelog writes: the loop's producer, {@code null} for a stream without tables. */
    private final Producer<byte[], byte[]> producer;

    private final Duration commitInterval;

    /** The changelog writes in flight and the offsets that wait for them, {@code null} if none. */
    private ChangelogFlush flushing;

    /** When the tables last sent their changelog writes, in clock millis. */
    private long flushedAt;

    AtLeastOnceCommitter(Consumer<byte[], byte[]> consumer, LoopPipeline pipeline, TableGate tables,
            ConsumerLoop.LoopListener listener, StreamStats stats, Duration timeout, Clock clock) {
        this(consumer, pipeline, tables, listener, stats, timeout, clock, null, Duration.ofSeconds(1));
    }

    AtLeastOnceCommitter(Consumer<byte[], byte[]> consumer, LoopPipeline pipeline, TableGate tables,
            ConsumerLoop.LoopListener listener, StreamStats stats, Duration timeout, Clock clock,
            Producer<byte[], byte[]> producer, Duration commitInterval) {
        this.producer = producer;
        this.commitInterval = commitInterval;
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
        if (this.flushing != null) {
            if (!this.flushing.done()) {
                return false;
            }
            ChangelogFlush flushed = this.flushing;
            this.flushing = null;
            if (!flushed.failed(this.consumer.assignment(), this.toCommit) && !flushed.offsets.isEmpty()) {
                commitAsync(flushed.offsets);
            }
            return false;
        }
        if (this.toCommit.isEmpty()) {
            if (this.clock.millis() - this.flushedAt >= this.commitInterval.toMillis()) {
                this.flushing = flush(Map.of());
                return this.flushing == null;
            }
            return true;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = this.pipeline.pastMarkers(this.toCommit);
        this.toCommit.clear();
        this.flushing = flush(offsets);
        if (this.flushing == null) {
            commitAsync(offsets);
        }
        return false;
    }

    /**
     * Has the tables send their changelog writes taken since the last send.
     * @param offsets the offsets that wait for them
     * @return the writes in flight, {@code null} if there were none
     */
    private ChangelogFlush flush(Map<TopicPartition, OffsetAndMetadata> offsets) {
        this.flushedAt = this.clock.millis();
        List<ChangelogRecord> records = new ArrayList<>();
        this.tables.sendChangelogs(this.consumer.assignment(), records::add);
        if (records.isEmpty()) {
            return null;
        }
        if (this.producer == null) {
            throw new IllegalStateException("Table writes to send to the changelog, but no producer to send them");
        }
        ChangelogFlush flush = new ChangelogFlush(offsets, records.size());
        for (ChangelogRecord record : records) {
            try {
                this.producer.send(record, (metadata, ex) -> {
                    record.onCompletion(metadata, ex);
                    flush.completed(ex);
                });
            }
            catch (RuntimeException ex) {
                record.onCompletion(null, ex);
                flush.completed(ex);
            }
        }
        return flush;
    }

    private void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets) {
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
    }

    /**
     * Queues offsets whose asynchronous commit failed again, unless a later commit of their partition was sent
     * since or the partition left the loop. Runs on the loop's thread (commit callbacks do).
     */
    private void retry(Map<TopicPartition, OffsetAndMetadata> failed) {
        Set<TopicPartition> assignment = this.consumer.assignment();
        failed.forEach((partition, offset) -> {
            if (assignment.contains(partition) && offset.equals(this.lastSent.get(partition))) {
                requeue(this.toCommit, partition, offset);
            }
        });
    }

    @Override
    public void commitNow() {
        awaitPendingCommits();
        if (this.flushing != null) {
            ChangelogFlush flushed = this.flushing;
            this.flushing = null;
            if (!flushed.await(this.timeout) || flushed.failed(this.consumer.assignment(), this.toCommit)) {
                logger.warn("Changelog writes sent before were not all acknowledged within {}; the offsets waiting "
                        + "for them stay uncommitted", this.timeout);
            }
            else {
                flushed.offsets.forEach((partition, offset) -> requeue(this.toCommit, partition, offset));
            }
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = this.toCommit.isEmpty() ? Map.of()
                : this.pipeline.pastMarkers(this.toCommit);
        this.toCommit.clear();
        ChangelogFlush flush = flush(offsets);
        if (flush != null && (!flush.await(this.timeout) || flush.failed(this.consumer.assignment(), this.toCommit))) {
            logger.warn("Changelog writes were not acknowledged within {}; the offsets of {} stay uncommitted",
                    this.timeout, offsets.keySet());
            return;
        }
        if (offsets.isEmpty()) {
            return;
        }
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
        if (this.flushing != null) {
            this.flushing.offsets.keySet().removeAll(partitions);
        }
        this.lastSent.keySet().removeAll(partitions);
    }

    @Override
    public void pipelineBuilt(Map<TopicPartition, Long> resumeOffsets) {
    }

    /** Queues an offset to commit again, unless a later one of its partition is queued already. */
    private static void requeue(Map<TopicPartition, OffsetAndMetadata> toCommit, TopicPartition partition,
            OffsetAndMetadata offset) {
        toCommit.merge(partition, offset, (queued, again) -> (queued.offset() >= again.offset()) ? queued : again);
    }

    /** Changelog writes sent together and the offsets that wait for their acknowledgements. */
    private static final class ChangelogFlush {

        final Map<TopicPartition, OffsetAndMetadata> offsets;

        private final CountDownLatch outstanding;

        private final AtomicReference<Exception> failure = new AtomicReference<>();

        ChangelogFlush(Map<TopicPartition, OffsetAndMetadata> offsets, int records) {
            this.offsets = new HashMap<>(offsets);
            this.outstanding = new CountDownLatch(records);
        }

        /** A write was answered (any thread). */
        void completed(Exception ex) {
            if (ex != null) {
                this.failure.compareAndSet(null, ex);
            }
            this.outstanding.countDown();
        }

        boolean done() {
            return this.outstanding.getCount() == 0;
        }

        boolean await(Duration timeout) {
            try {
                return this.outstanding.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /**
         * Whether a write failed: then the offsets that waited for it go back to be committed with the next commit
         * (the failed writes went back to their tables), those of partitions still assigned.
         */
        boolean failed(Set<TopicPartition> assignment, Map<TopicPartition, OffsetAndMetadata> toCommit) {
            Exception ex = this.failure.get();
            if (ex == null) {
                return false;
            }
            logger.warn("A changelog write failed; it is sent again, and the offsets waiting for it committed, with "
                    + "the next commit: {}", ex.toString());
            this.offsets.forEach((partition, offset) -> {
                if (assignment.contains(partition)) {
                    requeue(toCommit, partition, offset);
                }
            });
            return true;
        }
    }
}
