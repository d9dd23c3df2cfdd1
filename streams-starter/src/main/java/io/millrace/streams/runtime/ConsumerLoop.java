package io.millrace.streams.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;
import io.millrace.streams.strategy.ProcessingStrategy;
import io.millrace.streams.strategy.ProcessingStrategyFactory;
import io.millrace.streams.table.internal.TableManager;

/**
 * The poll loop of one consumer client. Each turn ({@link #runOnce()}) has five phases:
 * <ol>
 * <li>poll: fetch records into the buffer (nothing while paused; the poll still keeps the group membership);</li>
 * <li>submit: hand buffered records to the pipeline until it rejects one;</li>
 * <li>drive: poll the pipeline, which hands finished records on and reports committable offsets;</li>
 * <li>commit: commit reported offsets asynchronously;</li>
 * <li>pause/resume: pause every assigned partition while records are buffered or an operator paused the stream.</li>
 * </ol>
 * The pipeline is built anew on every assignment; before partitions are given up it is closed and joined and its
 * offsets committed synchronously. All of this runs on the loop's own thread: the consumer is not thread-safe.
 *
 * <p>With tables, newly assigned partitions stay paused until the {@link TableManager} restored them, off this
 * thread. Under {@code exactly-once} the loop commits a transaction every commit interval: it drains the pipeline
 * (so that the transaction holds exactly the records whose offsets it commits), commits outputs, changelog writes and
 * offsets together, and builds the pipeline again; if the pipeline cannot be drained the transaction is aborted and
 * the partitions rewound to the last committed offsets.
 */
final class ConsumerLoop implements Runnable, ConsumerRebalanceListener {

    private static final Logger logger = LoggerFactory.getLogger(ConsumerLoop.class);

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    /** A short poll while the pipeline pushes back: keeps membership, waits a little for acknowledgements. */
    private static final Duration BACKPRESSURE_POLL = Duration.ofMillis(1);

    /** How often the loop refreshes what the endpoint sees of it. */
    private static final long VIEW_INTERVAL_MILLIS = 500;

    private final String input;

    private final Consumer<byte[], byte[]> consumer;

    private final ProcessingStrategyFactory factory;

    private final StreamSettings settings;

    private final StreamStats stats;

    private final LoopListener listener;

    /** The stream's tables, or {@code null} for a stream without tables. */
    private final TableManager tables;

    /** The client's transactions under {@code exactly-once}, else {@code null}. */
    private final Transaction transaction;

    /** Assigned partitions whose tables are still restoring: kept paused. */
    private final Set<TopicPartition> restoring = new HashSet<>();

    /** The partitions currently paused. */
    private final Set<TopicPartition> pausedPartitions = new HashSet<>();

    /** Under {@code exactly-once}: per partition, the offset of the last committed transaction, where an abort rewinds. */
    private final Map<TopicPartition, Long> committedPositions = new HashMap<>();

    private long transactionStartedAt;

    /** Fetched records not yet accepted by the pipeline, in fetch order. */
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();

    /** Offsets the pipeline reported and the loop has not yet sent to the broker. */
    private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();

    /** Per partition, the offset of the latest commit sent (at-least-once): a failed older commit is not retried. */
    private final Map<TopicPartition, OffsetAndMetadata> lastSent = new HashMap<>();

    /** Asynchronous commits sent and not yet answered (at-least-once). */
    private int pendingCommits;

    /** When {@link #checkpointIdle()} last looked at the checkpoints. */
    private long idleCheckpointAt;

    /**
     * Per assigned partition, the first offset not yet fully processed: where to seek if the pipeline is rebuilt,
     * so that records it abandoned are fetched again and finished ones are not.
     */
    private final Map<TopicPartition, Long> resumeOffsets = new HashMap<>();

    private final PartitionProgress progress = new PartitionProgress();

    private ProcessingStrategy<ConsumerRecord<byte[], byte[]>> strategy;

    private long viewPublishedAt;

    private boolean paused;

    private volatile boolean running = true;

    private volatile boolean pauseRequested;

    private volatile LoopView view = LoopView.EMPTY;

    /**
     * Since when the poll thread has been handing records to the pipeline ({@code 0} when it is not): a processor
     * that blocks the poll thread blocks the view's refresh too, so the endpoint and health read this live.
     * Written once per batch, not per record; the partition and offset below are written per record without a
     * fence, which is enough for a reader that cares about records stuck for seconds.
     */
    private volatile long busySince;

    private int busyPartition;

    private long busyOffset;

    ConsumerLoop(String input, Consumer<byte[], byte[]> consumer, ProcessingStrategyFactory factory,
            StreamSettings settings, StreamStats stats, LoopListener listener) {
        this(input, consumer, factory, settings, stats, listener, null, null);
    }

    ConsumerLoop(String input, Consumer<byte[], byte[]> consumer, ProcessingStrategyFactory factory,
            StreamSettings settings, StreamStats stats, LoopListener listener, TableManager tables,
            Transaction transaction) {
        this.input = input;
        this.consumer = consumer;
        this.factory = factory;
        this.settings = settings;
        this.stats = stats;
        this.listener = listener;
        this.tables = tables;
        this.transaction = transaction;
    }

    @Override
    public void run() {
        try {
            if (this.transaction != null) {
                this.transaction.init();
            }
            this.consumer.subscribe(List.of(this.input), this);
            while (this.running) {
                runOnce();
            }
            shutdown();
        }
        catch (Throwable ex) {
            failed(ex);
        }
        finally {
            this.factory.shutdown();
            closeConsumer();
        }
    }

    /** One turn of the loop. */
    void runOnce() {
        poll();
        if (!this.restoring.isEmpty()) {
            checkRestored();
        }
        submit();
        if (this.strategy != null) {
            this.strategy.poll();
        }
        commit();
        pauseOrResume();
        long now = System.currentTimeMillis();
        this.stats.tick(now);
        if (now - this.viewPublishedAt >= VIEW_INTERVAL_MILLIS) {
            publishView();
        }
    }

    private void poll() {
        Duration timeout = this.buffer.isEmpty() ? POLL_TIMEOUT : BACKPRESSURE_POLL;
        ConsumerRecords<byte[], byte[]> records = this.consumer.poll(timeout);
        if (!records.isEmpty()) {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                this.buffer.add(record);
            }
            this.stats.onConsumed(records.count());
        }
        if (this.strategy == null && !this.consumer.assignment().isEmpty()) {
            // A cooperative rebalance that only revoked partitions may not call onPartitionsAssigned.
            createStrategy();
        }
    }

    private void checkRestored() {
        Set<Integer> ready = this.tables.ready(numbers(this.restoring));
        if (!ready.isEmpty()) {
            this.restoring.removeIf((partition) -> ready.contains(partition.partition()));
            this.tables.activesReady(ready);
        }
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = new HashSet<>();
        partitions.forEach((partition) -> numbers.add(partition.partition()));
        return numbers;
    }

    private void submit() {
        if (this.buffer.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        if (this.transaction != null && !this.transaction.isOpen() && this.strategy != null) {
            this.transaction.begin();
            this.transactionStartedAt = now;
        }
        this.busySince = now;
        try {
            submitBuffered(now);
        }
        finally {
            this.busySince = 0;
        }
    }

    private void submitBuffered(long now) {
        ConsumerRecord<byte[], byte[]> record;
        while (this.strategy != null && (record = this.buffer.peek()) != null) {
            this.busyPartition = record.partition();
            this.busyOffset = record.offset();
            try {
                this.strategy.submit(Message.of(record));
            }
            catch (MessageRejected ex) {
                return;
            }
            this.buffer.poll();
            this.progress.submitted(record.partition(), record.offset(), now);
        }
    }

    private void commit() {
        if (this.transaction != null) {
            if (this.transaction.isOpen() && this.strategy != null
                    && System.currentTimeMillis() - this.transactionStartedAt >= this.settings.commitInterval().toMillis()) {
                cycleTransaction();
            }
            else if (!this.transaction.isOpen()) {
                checkpointIdle();
            }
            return;
        }
        if (this.toCommit.isEmpty()) {
            checkpointIdle();
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = pastMarkers(this.toCommit);
        this.toCommit.clear();
        this.lastSent.putAll(offsets);
        long sent = System.nanoTime();
        this.pendingCommits++;
        this.consumer.commitAsync(offsets, (committed, ex) -> {
            this.pendingCommits--;
            this.stats.onCommitted(System.nanoTime() - sent);
            if (ex != null) {
                // Commit them again with the next commit: if no record of a partition came after them, nothing
                // else would, and a clean stop would leave them uncommitted (the next owner would repeat their
                // records and count them twice in its tables). A commit sent since supersedes them.
                logger.warn("Commit of {} failed; retrying it with the next commit: {}", offsets, ex.toString());
                retryCommit(offsets);
            }
            else {
                this.listener.committed(committed);
                if (this.tables != null) {
                    this.tables.committed(numbers(committed.keySet()));
                }
            }
        });
    }

    /**
     * The offsets to commit, each moved to the consumer's position where the partition has nothing in flight and
     * nothing buffered: the position is past the commit markers (and aborted records) of transactional input, which
     * the offset after the last record is not. Committing that offset would leave the group a lag of at least one
     * forever on input written under exactly-once (as Kafka Streams does, the position is committed instead).
     * @param offsets the offsets the pipeline reported
     * @return an immutable copy, moved where possible
     */
    private Map<TopicPartition, OffsetAndMetadata> pastMarkers(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, OffsetAndMetadata> moved = new HashMap<>(offsets);
        Set<Integer> buffered = null;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : offsets.entrySet()) {
            TopicPartition partition = entry.getKey();
            if (!this.progress.idle(partition.partition())) {
                continue;
            }
            if (buffered == null) {
                buffered = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> record : this.buffer) {
                    buffered.add(record.partition());
                }
            }
            if (buffered.contains(partition.partition())) {
                continue;
            }
            long position;
            try {
                position = this.consumer.position(partition, Duration.ZERO);
            }
            catch (RuntimeException ex) {
                continue;
            }
            if (position > entry.getValue().offset()) {
                moved.put(partition, new OffsetAndMetadata(position, entry.getValue().metadata()));
            }
        }
        return Map.copyOf(moved);
    }

    /**
     * Nothing to commit: writes the checkpoints the last commits skipped (a table checkpoints at most once a second),
     * so that a stream gone quiet after a burst does not leave its checkpoints behind its stores until the next
     * record. At most once per commit interval; a checkpoint that did not move writes nothing.
     */
    private void checkpointIdle() {
        if (this.tables == null || this.strategy == null) {
            return;
        }
        long now = System.currentTimeMillis();
        if (now - this.idleCheckpointAt < this.settings.commitInterval().toMillis()) {
            return;
        }
        this.idleCheckpointAt = now;
        this.tables.checkpoint(numbers(this.consumer.assignment()));
    }

    /**
     * Waits for the asynchronous commits still in flight, so that one that fails is queued again before a final
     * synchronous commit: an empty synchronous commit completes them and runs their callbacks.
     */
    private void awaitPendingCommits() {
        if (this.pendingCommits > 0) {
            try {
                this.consumer.commitSync(Map.of(), this.settings.shutdownTimeout());
            }
            catch (KafkaException ex) {
                logger.debug("Waiting for pending commits failed: {}", ex.toString());
            }
        }
    }

    /**
     * Queues offsets whose asynchronous commit failed again, unless a later commit of their partition was sent
     * since or the partition left this loop. Runs on the loop's thread (commit callbacks do).
     */
    private void retryCommit(Map<TopicPartition, OffsetAndMetadata> failed) {
        Set<TopicPartition> assignment = this.consumer.assignment();
        failed.forEach((partition, offset) -> {
            if (assignment.contains(partition) && offset.equals(this.lastSent.get(partition))) {
                this.toCommit.merge(partition, offset,
                        (queued, again) -> (queued.offset() >= again.offset()) ? queued : again);
            }
        });
    }

    /**
     * Drains the pipeline, commits the transaction (or aborts it if the pipeline could not be drained) and builds
     * the pipeline again. Records fetched and not yet submitted stay buffered.
     */
    private void cycleTransaction() {
        boolean drained = drain();
        if (drained) {
            commitTransaction();
        }
        else {
            abortTransaction();
        }
        createStrategy();
    }

    /** Closes and joins the pipeline; whether every submitted record finished. */
    private boolean drain() {
        if (this.strategy == null) {
            return this.progress.idle();
        }
        this.strategy.close();
        this.strategy.join(this.settings.shutdownTimeout());
        boolean drained = this.progress.idle();
        this.strategy.terminate();
        this.strategy = null;
        return drained;
    }

    private void commitTransaction() {
        if (!this.transaction.isOpen()) {
            this.toCommit.clear();
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = pastMarkers(this.toCommit);
        this.toCommit.clear();
        long sent = System.nanoTime();
        try {
            this.transaction.commit(offsets, this.consumer.groupMetadata());
        }
        catch (KafkaException ex) {
            logger.warn("Committing the transaction failed; aborting it: {}", ex.toString());
            abortTransaction();
            return;
        }
        this.stats.onCommitted(System.nanoTime() - sent);
        offsets.forEach((partition, offset) -> this.committedPositions.put(partition, offset.offset()));
        this.listener.committed(offsets);
        if (this.tables != null) {
            this.tables.committed(numbers(this.consumer.assignment()));
        }
    }

    /**
     * Aborts the open transaction, forgets its table writes and rewinds every partition to its last committed offset:
     * the records of the aborted transaction are processed again.
     */
    private void abortTransaction() {
        if (this.strategy != null) {
            this.strategy.terminate();
            this.strategy = null;
        }
        this.toCommit.clear();
        if (this.tables != null) {
            this.tables.aborted(numbers(this.consumer.assignment()));
        }
        this.transaction.abort();
        this.buffer.clear();
        this.progress.clear();
        for (TopicPartition partition : this.consumer.assignment()) {
            Long offset = this.committedPositions.get(partition);
            if (offset != null) {
                this.consumer.seek(partition, offset);
                this.resumeOffsets.put(partition, offset);
            }
        }
    }

    private void commitNow() {
        if (this.transaction != null) {
            if (this.progress.idle()) {
                commitTransaction();
            }
            else {
                abortTransaction();
            }
            return;
        }
        awaitPendingCommits();
        if (this.toCommit.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = pastMarkers(this.toCommit);
        this.toCommit.clear();
        this.lastSent.putAll(offsets);
        try {
            this.consumer.commitSync(offsets, this.settings.shutdownTimeout());
            this.listener.committed(offsets);
            if (this.tables != null) {
                this.tables.committed(numbers(offsets.keySet()));
            }
        }
        catch (KafkaException ex) {
            logger.warn("Commit of {} failed; the next owner of these partitions repeats their records: {}",
                    offsets, ex.toString());
        }
    }

    private void report(Map<TopicPartition, Long> offsets, boolean force) {
        long now = System.currentTimeMillis();
        offsets.forEach((partition, offset) -> {
            this.toCommit.put(partition, new OffsetAndMetadata(offset));
            this.resumeOffsets.put(partition, offset);
            this.progress.finished(partition.partition(), offset, now);
        });
        if (force && this.transaction == null) {
            commitNow();
        }
    }

    private void pauseOrResume() {
        boolean pause = this.pauseRequested || !this.buffer.isEmpty();
        if (pause != this.paused || !this.pausedPartitions.containsAll(this.restoring)
                || (!pause && this.pausedPartitions.size() > this.restoring.size())) {
            applyPause(pause);
            this.paused = pause;
            publishView();
        }
    }

    /** Pauses every assigned partition, or only those restoring their tables. */
    private void applyPause(boolean all) {
        Set<TopicPartition> assignment = this.consumer.assignment();
        Set<TopicPartition> pause = new HashSet<>(all ? assignment : this.restoring);
        pause.retainAll(assignment);
        Set<TopicPartition> resume = new HashSet<>(assignment);
        resume.removeAll(pause);
        this.consumer.pause(pause);
        this.consumer.resume(resume);
        this.pausedPartitions.clear();
        this.pausedPartitions.addAll(pause);
    }

    private void createStrategy() {
        Set<TopicPartition> assignment = this.consumer.assignment();
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition partition : assignment) {
            long position = this.consumer.position(partition);
            positions.put(partition, position);
            this.resumeOffsets.putIfAbsent(partition, position);
            if (this.transaction != null) {
                this.committedPositions.putIfAbsent(partition, this.resumeOffsets.get(partition));
            }
        }
        this.strategy = this.factory.createWithPartitions(this::report, positions);
        applyPause(this.paused);
        publishView();
    }

    /**
     * Finishes the pipeline's work within the shutdown timeout, commits it, and rewinds the partitions that stay
     * to their first unfinished record, dropping what is buffered.
     */
    private void closeStrategy(Collection<TopicPartition> leaving) {
        if (this.strategy != null) {
            this.strategy.close();
            this.strategy.join(this.settings.shutdownTimeout());
            // Whatever the join did not finish in time is abandoned: its records are fetched again below.
            this.strategy.terminate();
            this.strategy = null;
        }
        commitNow();
        this.buffer.clear();
        this.progress.clear();
        for (TopicPartition partition : this.consumer.assignment()) {
            Long offset = this.resumeOffsets.get(partition);
            if (offset != null && !leaving.contains(partition)) {
                this.consumer.seek(partition, offset);
            }
        }
        this.resumeOffsets.keySet().removeAll(leaving);
        this.committedPositions.keySet().removeAll(leaving);
        this.lastSent.keySet().removeAll(leaving);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            closeStrategy(partitions);
            releaseTables(partitions, true);
            publishView();
        }
    }

    private void releaseTables(Collection<TopicPartition> partitions, boolean clean) {
        this.restoring.removeAll(partitions);
        this.pausedPartitions.removeAll(partitions);
        if (this.tables != null) {
            this.tables.revoked(numbers(partitions), clean);
            Set<Integer> kept = numbers(this.consumer.assignment());
            kept.removeAll(numbers(partitions));
            this.tables.rebalanced(kept, numbers(partitions), Set.of());
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty() && this.strategy != null) {
            closeStrategy(List.of());
        }
        if (this.tables != null && !partitions.isEmpty()) {
            // Nothing of these partitions is processed before their tables are restored, off this thread.
            this.consumer.pause(partitions);
            this.restoring.addAll(partitions);
            this.pausedPartitions.addAll(partitions);
            this.tables.assigned(numbers(partitions));
            this.tables.rebalanced(numbers(this.consumer.assignment()), Set.of(), numbers(partitions));
        }
        if (this.strategy == null && !this.consumer.assignment().isEmpty()) {
            createStrategy();
        }
        publishView();
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        // The partitions already belong to another member: abandon their work, commit nothing for them.
        if (this.strategy != null) {
            this.strategy.terminate();
            this.strategy = null;
        }
        this.toCommit.keySet().removeAll(partitions);
        this.lastSent.keySet().removeAll(partitions);
        if (this.transaction != null) {
            abortQuietly();
        }
        closeStrategy(partitions);
        releaseTables(partitions, false);
        publishView();
    }

    private void shutdown() {
        Set<TopicPartition> assignment = Set.copyOf(this.consumer.assignment());
        closeStrategy(assignment);
        releaseTables(assignment, true);
    }

    private void failed(Throwable ex) {
        if (this.strategy != null) {
            this.strategy.terminate();
            this.strategy = null;
        }
        if (this.transaction != null) {
            // Nothing of an unfinished transaction may count: the next owner starts from the last commit.
            abortQuietly();
        }
        else {
            // Offsets already reported belong to finished records: committing them is safe and saves repeats.
            commitNow();
        }
        try {
            releaseTables(Set.copyOf(this.consumer.assignment()), this.transaction == null);
        }
        catch (RuntimeException closing) {
            ex.addSuppressed(closing);
        }
        this.listener.failed(this, ex);
    }

    private void abortQuietly() {
        try {
            abortTransaction();
        }
        catch (RuntimeException ex) {
            logger.warn("Aborting the transaction failed: {}", ex.toString());
        }
    }

    private void closeConsumer() {
        try {
            this.consumer.close(CloseOptions.timeout(this.settings.shutdownTimeout()));
        }
        catch (RuntimeException ex) {
            logger.warn("Closing the consumer failed: {}", ex.toString());
        }
        this.view = LoopView.EMPTY;
    }

    private void publishView() {
        Set<TopicPartition> assignment = Set.copyOf(this.consumer.assignment());
        long now = System.currentTimeMillis();
        this.view = new LoopView(assignment, this.paused ? assignment : Set.of(),
                this.progress.snapshot(this.consumer, assignment, now), this.buffer.size());
        this.viewPublishedAt = now;
    }

    /**
     * Asks the loop to finish its work, commit and leave the group. Any thread; the loop notices within one poll
     * timeout. No {@code wakeup()}: it would break the commit that shutdown owes.
     */
    void stop() {
        this.running = false;
    }

    /**
     * Pauses or resumes fetching. Any thread; takes effect on the loop's next turn.
     * @param pause whether to pause
     */
    void requestPause(boolean pause) {
        this.pauseRequested = pause;
    }

    LoopView view() {
        return this.view;
    }

    Busy busy() {
        long since = this.busySince;
        return (since > 0) ? new Busy(this.busyPartition, this.busyOffset, since) : null;
    }

    /** A record the poll thread is handing to the pipeline, since {@code sinceMillis}. */
    record Busy(int partition, long offset, long sinceMillis) {
    }

    /**
     * What the loop owns, for the endpoint.
     *
     * @param assigned the assigned partitions
     * @param paused the paused partitions
     * @param partitions progress per assigned partition
     * @param buffered records fetched and not yet accepted by the pipeline
     */
    record LoopView(Set<TopicPartition> assigned, Set<TopicPartition> paused,
            Map<TopicPartition, PartitionProgress.PartitionState> partitions, int buffered) {
        static final LoopView EMPTY = new LoopView(Set.of(), Set.of(), Map.of(), 0);
    }

    /** Hears what a loop did that its stream must know. */
    interface LoopListener {

        void committed(Map<TopicPartition, OffsetAndMetadata> offsets);

        void failed(ConsumerLoop loop, Throwable ex);
    }
}
