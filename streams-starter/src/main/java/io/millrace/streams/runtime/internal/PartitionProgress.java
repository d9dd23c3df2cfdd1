package io.millrace.streams.runtime.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * What one consumer loop knows of its partitions' progress: how many records are in flight (submitted, not yet
 * finished) and since when the oldest of them waits. Confined to the loop's thread; snapshots go to the endpoint.
 */
final class PartitionProgress {

    private final Map<Integer, Progress> partitions = new HashMap<>();

    /** The partition of the previous submitted record and its progress: consecutive records mostly share one. */
    private int lastPartition = -1;

    private Progress last;

    /** A record entered the pipeline. Once per record. */
    void submitted(int partition, long offset, long nowMillis) {
        Progress progress = (partition == this.lastPartition) ? this.last : progressOf(partition);
        if (progress.inFlight() == 0) {
            // Nothing was waiting: the wait of this record starts now.
            progress.waitingSince = nowMillis;
        }
        progress.lastSubmitted = offset;
        if (progress.finished < 0) {
            progress.finished = offset;
        }
    }

    private Progress progressOf(int partition) {
        Progress progress = this.partitions.computeIfAbsent(partition, (key) -> new Progress());
        this.lastPartition = partition;
        this.last = progress;
        return progress;
    }

    /** Every record of the partition before {@code nextOffset} is finished. */
    void finished(int partition, long nextOffset, long nowMillis) {
        Progress progress = progressOf(partition);
        if (nextOffset > progress.finished) {
            progress.finished = nextOffset;
            progress.waitingSince = nowMillis;
        }
    }

    /**
     * Whether every submitted record is finished.
     * @return {@code true} if nothing is in flight
     */
    boolean idle() {
        for (Progress progress : this.partitions.values()) {
            if (progress.inFlight() > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether nothing of one partition is in flight.
     * @param partition the partition
     * @return {@code true} if every submitted record of it finished
     */
    boolean idle(int partition) {
        Progress progress = this.partitions.get(partition);
        return progress == null || progress.inFlight() == 0;
    }

    /** The partition's pipeline was rebuilt or the partition left: nothing of it is in flight any more. */
    void clear() {
        this.partitions.clear();
        this.lastPartition = -1;
        this.last = null;
    }

    /**
     * The partitions as the endpoint shows them.
     * @param consumer the loop's consumer, for positions and lag (local, no network)
     * @param assignment the assigned partitions
     * @param nowMillis the current time
     * @return per partition: end offset, records in flight and since when the oldest waits
     */
    Map<TopicPartition, PartitionState> snapshot(Consumer<?, ?> consumer, Set<TopicPartition> assignment,
            long nowMillis) {
        Map<TopicPartition, PartitionState> states = new HashMap<>();
        for (TopicPartition partition : assignment) {
            Progress progress = this.partitions.get(partition.partition());
            long inFlight = (progress != null) ? progress.inFlight() : 0;
            long waitingSince = (inFlight > 0) ? progress.waitingSince : 0;
            long oldest = (inFlight > 0) ? progress.finished : -1;
            long end = -1;
            try {
                OptionalLong lag = consumer.currentLag(partition);
                if (lag.isPresent()) {
                    end = consumer.position(partition) + lag.getAsLong();
                }
            }
            catch (RuntimeException ex) {
                // No position yet (a partition just assigned): the end is unknown for now.
            }
            states.put(partition, new PartitionState(end, inFlight, oldest, waitingSince));
        }
        return states;
    }

    /**
     * One partition seen from its loop.
     *
     * @param end the end offset as of the last fetch, {@code -1} if unknown
     * @param inFlight records submitted and not yet finished
     * @param oldestOffset the offset of the oldest record in flight, {@code -1} if none
     * @param waitingSince since when the oldest record in flight waits for progress (epoch millis), {@code 0} if
     * none is in flight
     */
    record PartitionState(long end, long inFlight, long oldestOffset, long waitingSince) {
    }

    private static final class Progress {

        /** The next offset not yet finished, {@code -1} before the first record. */
        private long finished = -1;

        private long lastSubmitted = -1;

        private long waitingSince;

        long inFlight() {
            return (this.finished < 0) ? 0 : Math.max(0, this.lastSubmitted + 1 - this.finished);
        }
    }
}
