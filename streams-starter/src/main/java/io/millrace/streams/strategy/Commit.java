package io.millrace.streams.strategy;

import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * Receives offsets that are safe to commit: every record before each offset is fully processed.
 */
@FunctionalInterface
public interface Commit {

    /**
     * Records offsets to commit. Does not block: the consumer's poll loop commits them on its next turn, or at
     * once when {@code force} is set (revocation, shutdown).
     * @param offsets the next offset to consume, per partition
     * @param force whether to commit now rather than when the loop's commit throttle allows
     */
    void commit(Map<TopicPartition, Long> offsets, boolean force);
}
