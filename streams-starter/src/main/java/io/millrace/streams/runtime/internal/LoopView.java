package io.millrace.streams.runtime.internal;

import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.runtime.StreamView;

/**
 * What one consumer loop shows of itself, published by the loop at most every half second and read by the endpoint.
 *
 * @param assigned the assigned partitions
 * @param paused the paused partitions
 * @param partitions progress per assigned partition
 * @param buffered records fetched and not yet accepted by the pipeline
 */
record LoopView(Set<TopicPartition> assigned, Set<TopicPartition> paused,
        Map<TopicPartition, PartitionProgress.PartitionState> partitions, int buffered) {

    static final LoopView EMPTY = new LoopView(Set.of(), Set.of(), Map.of(), 0);

    /**
     * One assigned partition as the endpoint shows it. A record the poll thread is still handing to the pipeline
     * counts as waiting: a processor that blocks the poll thread blocks the view's refresh too.
     * @param partition an assigned partition
     * @param busy the record the poll thread is handing over, or {@code null}
     * @param committed the partition's committed offset, {@code -1} if none yet
     * @param nowMillis the current time
     * @return the partition's view
     */
    StreamView.PartitionView partition(TopicPartition partition, Busy busy, long committed, long nowMillis) {
        PartitionProgress.PartitionState state = this.partitions.get(partition);
        long waitingSince = (state != null) ? state.waitingSince() : 0;
        long oldest = (state != null) ? state.oldestOffset() : -1;
        if (busy != null && busy.partition() == partition.partition()
                && (waitingSince == 0 || busy.sinceMillis() < waitingSince)) {
            waitingSince = busy.sinceMillis();
            oldest = (oldest >= 0) ? Math.min(oldest, busy.offset()) : busy.offset();
        }
        long end = (state != null) ? state.end() : -1;
        long lag = (end >= 0 && committed >= 0) ? Math.max(0, end - committed) : -1;
        long inFlight = (state != null) ? state.inFlight() : 0;
        return new StreamView.PartitionView(committed, end, lag, inFlight, oldest,
                (waitingSince > 0) ? nowMillis - waitingSince : 0, this.paused.contains(partition));
    }

    /**
     * A record the poll thread is handing to the pipeline, since {@code sinceMillis}.
     *
     * @param partition its partition
     * @param offset its offset
     * @param sinceMillis since when, in clock millis
     */
    record Busy(int partition, long offset, long sinceMillis) {
    }
}
