package io.millrace.streams.runtime.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;
import io.millrace.streams.strategy.ProcessingStrategy;
import io.millrace.streams.strategy.ProcessingStrategyFactory;
import io.millrace.streams.strategy.RecordObservation;

/**
 * The pipeline of one consumer client and the records around it: the strategy built for the current assignment,
 * the records fetched and not yet accepted, what is in flight per partition, and where each partition resumes if the
 * pipeline is rebuilt. Reports finished offsets to the client's {@link Committer}. Loop thread only, except
 * {@link #busy()}.
 */
final class ClientPipeline implements LoopPipeline {

    private static final RuntimeException DROPPED = new IllegalStateException(
            "the record was dropped from the buffer before the pipeline took it; it will be consumed again");

    private final Consumer<byte[], byte[]> consumer;

    private final ProcessingStrategyFactory factory;

    private final Duration shutdownTimeout;

    private final Clock clock;

    /** Runs after every build: the loop re-applies its pauses and refreshes its view. */
    private final Runnable onBuilt;

    private Committer committer;

    /** Fetched records not yet accepted by the pipeline, in fetch order. */
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();

    /**
     * Per assigned partition, the first offset not yet fully processed: where to seek if the pipeline is rebuilt,
     * so that records it abandoned are fetched again and finished ones are not.
     */
    private final Map<TopicPartition, Long> resumeOffsets = new HashMap<>();

    private final PartitionProgress progress = new PartitionProgress();

    /** The pipeline; {@code null} while nothing is assigned or between draining and rebuilding it. */
    private ProcessingStrategy<ConsumerRecord<byte[], byte[]>> strategy;

    /**
     * Since when the poll thread has been handing records to the pipeline ({@code 0} when it is not): a processor
     * that blocks the poll thread blocks the view's refresh too, so the endpoint and health read this live.
     * Written once per batch, not per record; the partition and offset below are written per record without a
     * fence, which is enough for a reader that cares about records stuck for seconds.
     */
    private volatile long busySince;

    /** The registry records are observed with, {@code null} when tracing is off. */
    private final ObservationRegistry observations;

    private final String stream;

    /** The buffer's head, rejected by the pipeline and submitted again later, with its started observation. */
    private ConsumerRecord<byte[], byte[]> rejected;

    private RecordObservation rejectedObservation;

    private int busyPartition;

    private long busyOffset;

    ClientPipeline(Consumer<byte[], byte[]> consumer, ProcessingStrategyFactory factory, Duration shutdownTimeout,
            Clock clock, Runnable onBuilt) {
        this(consumer, factory, shutdownTimeout, clock, onBuilt, null, null);
    }

    /**
     * @param observations observes each record from here until {@code Produce} finishes it, {@code null} for none
     * @param stream the stream's name, for the observations
     */
    ClientPipeline(Consumer<byte[], byte[]> consumer, ProcessingStrategyFactory factory, Duration shutdownTimeout,
            Clock clock, Runnable onBuilt, ObservationRegistry observations, String stream) {
        this.observations = RecordObservation.enabled(observations) ? observations : null;
        this.stream = stream;
        this.consumer = consumer;
        this.factory = factory;
        this.shutdownTimeout = shutdownTimeout;
        this.clock = clock;
        this.onBuilt = onBuilt;
    }

    /**
     * Sets the committer the pipeline reports finished offsets to; once, before the first build (the committer
     * itself holds this pipeline).
     * @param committer the client's committer
     */
    void reportTo(Committer committer) {
        this.committer = committer;
    }

    /**
     * Keeps fetched records until the pipeline accepts them.
     * @param records the records of one poll
     */
    void fetched(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            this.buffer.add(record);
        }
    }

    /**
     * How many fetched records wait for the pipeline.
     * @return the count; while it is not zero the loop pauses fetching
     */
    int buffered() {
        return this.buffer.size();
    }

    /**
     * Whether nothing of a partition is in flight or fetched and waiting.
     * @param partition the partition
     * @return {@code true} if no record of it is between the consumer and the end of the pipeline
     */
    boolean quiet(int partition) {
        if (!this.progress.idle(partition)) {
            return false;
        }
        for (ConsumerRecord<byte[], byte[]> record : this.buffer) {
            if (record.partition() == partition) {
                return false;
            }
        }
        return true;
    }

    /** Hands buffered records to the pipeline until it rejects one. */
    void submit() {
        if (this.buffer.isEmpty() || this.strategy == null) {
            return;
        }
        this.committer.beforeSubmit();
        long now = this.clock.millis();
        this.busySince = now;
        try {
            ConsumerRecord<byte[], byte[]> record;
            while (this.strategy != null && (record = this.buffer.peek()) != null) {
                this.busyPartition = record.partition();
                this.busyOffset = record.offset();
                try {
                    if (this.observations == null) {
                        this.strategy.submit(Message.of(record));
                    }
                    else {
                        submitObserved(record);
                    }
                }
                catch (MessageRejected ex) {
                    return;
                }
                this.buffer.poll();
                this.progress.submitted(record.partition(), record.offset(), now);
            }
        }
        finally {
            this.busySince = 0;
        }
    }

    /** Submits a record with its observation, started once even if the pipeline rejects it and it comes again. */
    private void submitObserved(ConsumerRecord<byte[], byte[]> record) {
        RecordObservation observation;
        if (record == this.rejected) {
            observation = this.rejectedObservation;
        }
        else {
            abandonRejected();
            observation = RecordObservation.start(this.observations, this.stream, record);
        }
        this.rejected = null;
        this.rejectedObservation = null;
        try {
            this.strategy.submit(Message.observed(record, observation));
        }
        catch (MessageRejected ex) {
            this.rejected = record;
            this.rejectedObservation = observation;
            throw ex;
        }
        catch (RuntimeException ex) {
            observation.abandon(ex);
            throw ex;
        }
    }

    /** Ends the observation of a rejected record that is dropped from the buffer. */
    private void abandonRejected() {
        if (this.rejectedObservation != null) {
            this.rejectedObservation.abandon(DROPPED);
            this.rejected = null;
            this.rejectedObservation = null;
        }
    }

    /** Drives the pipeline's asynchronous work: finished records are handed on and reported. */
    void drive() {
        if (this.strategy != null) {
            this.strategy.poll();
        }
    }

    /** The pipeline's {@link io.millrace.streams.strategy.Commit}: records before these offsets finished. */
    private void report(Map<TopicPartition, Long> offsets, boolean force) {
        long now = this.clock.millis();
        offsets.forEach((partition, offset) -> {
            this.committer.finished(partition, offset);
            this.resumeOffsets.put(partition, offset);
            this.progress.finished(partition.partition(), offset, now);
        });
        if (force) {
            this.committer.forced();
        }
    }

    @Override
    public boolean built() {
        return this.strategy != null;
    }

    /** Builds the pipeline for the current assignment, each partition from where it resumes. */
    void build() {
        Set<TopicPartition> assignment = this.consumer.assignment();
        Map<TopicPartition, Long> positions = new HashMap<>();
        Map<TopicPartition, Long> resume = new HashMap<>();
        for (TopicPartition partition : assignment) {
            long position = this.consumer.position(partition);
            positions.put(partition, position);
            resume.put(partition, this.resumeOffsets.computeIfAbsent(partition, (key) -> position));
        }
        this.strategy = this.factory.createWithPartitions(this::report, positions);
        this.committer.pipelineBuilt(resume);
        this.onBuilt.run();
    }

    @Override
    public void rebuild() {
        build();
    }

    /** Closes and joins the pipeline within the shutdown timeout; whatever it did not finish is abandoned. */
    void close() {
        if (this.strategy != null) {
            this.strategy.close();
            this.strategy.join(this.shutdownTimeout);
            this.strategy.terminate();
            this.strategy = null;
        }
    }

    /** Abandons the pipeline's work at once: nothing more of it is reported. */
    void terminate() {
        if (this.strategy != null) {
            this.strategy.terminate();
            this.strategy = null;
        }
    }

    @Override
    public boolean drain() {
        close();
        return this.progress.idle();
    }

    /**
     * Drops what is buffered and rewinds the partitions that stay to their first unfinished record, after the
     * closed pipeline's offsets were committed.
     * @param leaving the partitions that leave the client
     */
    void reset(Collection<TopicPartition> leaving) {
        this.buffer.clear();
        abandonRejected();
        this.progress.clear();
        for (TopicPartition partition : this.consumer.assignment()) {
            Long offset = this.resumeOffsets.get(partition);
            if (offset != null && !leaving.contains(partition)) {
                this.consumer.seek(partition, offset);
            }
        }
        this.resumeOffsets.keySet().removeAll(leaving);
    }

    @Override
    public void rewind(Map<TopicPartition, Long> offsets) {
        terminate();
        this.buffer.clear();
        abandonRejected();
        this.progress.clear();
        offsets.forEach((partition, offset) -> {
            this.consumer.seek(partition, offset);
            this.resumeOffsets.put(partition, offset);
        });
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> pastMarkers(Map<TopicPartition, OffsetAndMetadata> offsets) {
        return OffsetPositions.pastMarkers(offsets, this.consumer, this.progress, this.buffer);
    }

    /**
     * Progress per partition, for the view.
     * @param assignment the assigned partitions
     * @param nowMillis the current time
     * @return per partition: end offset, records in flight and since when the oldest waits
     */
    Map<TopicPartition, PartitionProgress.PartitionState> snapshot(Set<TopicPartition> assignment, long nowMillis) {
        return this.progress.snapshot(this.consumer, assignment, nowMillis);
    }

    /**
     * The record the poll thread is handing to the pipeline right now. Any thread.
     * @return the record, or {@code null} when the poll thread is not submitting
     */
    LoopView.Busy busy() {
        long since = this.busySince;
        return (since > 0) ? new LoopView.Busy(this.busyPartition, this.busyOffset, since) : null;
    }
}
