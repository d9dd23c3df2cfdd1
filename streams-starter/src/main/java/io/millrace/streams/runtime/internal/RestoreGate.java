package io.millrace.streams.runtime.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.table.internal.TableManager;

/**
 * The {@link TableGate} of a stream with tables: holds newly assigned partitions back until the
 * {@link TableManager} restored their tables, and passes commits, aborts and idle checkpoints on to it. Table
 * partition {@code p} follows input partition {@code p}, so partitions are passed on by number.
 */
final class RestoreGate implements TableGate {

    private final TableManager tables;

    private final Duration checkpointInterval;

    private final Clock clock;

    /** Assigned partitions whose tables are still restoring. */
    private final Set<TopicPartition> restoring = new HashSet<>();

    /** When {@link #checkpointIfIdle} last wrote the checkpoints, in clock millis. */
    private long checkpointedAt;

    RestoreGate(TableManager tables, Duration checkpointInterval, Clock clock) {
        this.tables = tables;
        this.checkpointInterval = checkpointInterval;
        this.clock = clock;
    }

    @Override
    public Set<TopicPartition> restoring() {
        return this.restoring;
    }

    @Override
    public void checkRestored() {
        if (this.restoring.isEmpty()) {
            return;
        }
        Set<Integer> ready = this.tables.ready(numbers(this.restoring));
        if (!ready.isEmpty()) {
            this.restoring.removeIf((partition) -> ready.contains(partition.partition()));
            this.tables.activesReady(ready);
        }
    }

    @Override
    public Set<TopicPartition> assigned(Collection<TopicPartition> partitions, Set<TopicPartition> assignment) {
        if (partitions.isEmpty()) {
            return Set.of();
        }
        // Nothing of these partitions is processed before their tables are restored, off the loop's thread.
        this.restoring.addAll(partitions);
        this.tables.assigned(numbers(partitions));
        this.tables.rebalanced(numbers(assignment), Set.of(), numbers(partitions));
        return Set.copyOf(partitions);
    }

    @Override
    public void released(Collection<TopicPartition> partitions, Set<TopicPartition> assignment, boolean clean) {
        this.restoring.removeAll(partitions);
        this.tables.revoked(numbers(partitions), clean);
        Set<Integer> kept = numbers(assignment);
        kept.removeAll(numbers(partitions));
        this.tables.rebalanced(kept, numbers(partitions), Set.of());
    }

    @Override
    public void committed(Collection<TopicPartition> partitions) {
        this.tables.committed(numbers(partitions));
    }

    @Override
    public void sendChangelogs(Collection<TopicPartition> partitions,
            java.util.function.Consumer<io.millrace.streams.table.ChangelogRecord> send) {
        this.tables.sendChangelogs(numbers(partitions), send);
    }

    @Override
    public void aborted(Collection<TopicPartition> partitions) {
        this.tables.aborted(numbers(partitions));
    }

    /**
     * Writes the checkpoints the last commits skipped (a table checkpoints at most once a second), so that a stream
     * gone quiet after a burst does not leave its checkpoints behind its stores until the next record. A checkpoint
     * that did not move writes nothing.
     */
    @Override
    public void checkpointIfIdle(Set<TopicPartition> assignment) {
        long now = this.clock.millis();
        if (now - this.checkpointedAt < this.checkpointInterval.toMillis()) {
            return;
        }
        this.checkpointedAt = now;
        this.tables.checkpoint(numbers(assignment));
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = new HashSet<>();
        partitions.forEach((partition) -> numbers.add(partition.partition()));
        return numbers;
    }
}
