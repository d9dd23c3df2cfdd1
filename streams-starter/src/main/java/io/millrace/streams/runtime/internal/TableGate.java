package io.millrace.streams.runtime.internal;

import java.util.Collection;
import java.util.Set;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.table.ChangelogRecord;

/**
 * What a {@link ConsumerLoop} asks of its stream's tables: which assigned partitions must stay paused while their
 * tables restore, and when their stores may be committed, forgotten or checkpointed. A stream without tables has
 * {@link #NONE}, so the loop never asks whether there are tables. Loop thread only.
 */
interface TableGate {

    /** A stream without tables: nothing to restore, nothing to checkpoint. */
    TableGate NONE = new TableGate() {
    };

    /**
     * Assigned partitions whose tables are still restoring: the loop keeps them paused.
     * @return the partitions, empty when all are ready
     */
    default Set<TopicPartition> restoring() {
        return Set.of();
    }

    /** Ends the wait of the partitions whose tables finished restoring. Does not block. */
    default void checkRestored() {
    }

    /**
     * Partitions were assigned: their tables start restoring, off the loop's thread.
     * @param partitions the newly assigned partitions
     * @param assignment every partition now assigned
     * @return the partitions to pause until {@link #restoring()} no longer holds them
     */
    default Set<TopicPartition> assigned(Collection<TopicPartition> partitions, Set<TopicPartition> assignment) {
        return Set.of();
    }

    /**
     * Partitions left: their table partitions close.
     * @param partitions the partitions that left
     * @param assignment every partition assigned before they left
     * @param clean whether their stores hold only committed writes and may be checkpointed
     */
    default void released(Collection<TopicPartition> partitions, Set<TopicPartition> assignment, boolean clean) {
    }

    /**
     * Offsets of these partitions were committed: their table writes may reach the stores.
     * @param partitions the partitions
     */
    default void committed(Collection<TopicPartition> partitions) {
    }

    /**
     * Under {@code exactly-once}, before the transaction of these partitions commits: their tables send the
     * transaction's writes to their changelogs, in it.
     * @param partitions the partitions
     * @param send sends a record in the open transaction
     */
    default void sendChangelogs(Collection<TopicPartition> partitions, Consumer<ChangelogRecord> send) {
    }

    /**
     * The transaction of these partitions aborted: their table writes are forgotten.
     * @param partitions the partitions
     */
    default void aborted(Collection<TopicPartition> partitions) {
    }

    /**
     * Nothing waited to be committed this turn: writes the checkpoints the last commits skipped, at most once per
     * commit interval.
     * @param assignment the assigned partitions
     */
    default void checkpointIfIdle(Set<TopicPartition> assignment) {
    }
}
