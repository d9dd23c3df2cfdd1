package io.millrace.streams.table.internal;

import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.table.TablePartition.Role;

/**
 * What the changelog reader knows of one changelog partition: the table partition it fills, its state, and the end
 * offset its restore runs to.
 *
 * <p>Not thread-safe: the reader touches it under its own monitor only.
 */
final class ChangelogPartition {

    private final TopicPartition changelog;

    private StoredTablePartition partition;

    private ChangelogState state;

    private long end = -1;

    /**
     * Whether the reader's consumer was moved to this partition's store position. A registration is always new,
     * even when its changelog partition stays assigned (released and registered again between two rounds), so
     * that the consumer never goes on from where another store left it.
     */
    private boolean positioned;

    /**
     * Registers a table partition.
     * @param partition the partition to fill
     * @param state {@link ChangelogState#REGISTERED} to restore it, {@link ChangelogState#TAILING} to keep it warm
     */
    ChangelogPartition(StoredTablePartition partition, ChangelogState state) {
        if (state != ChangelogState.REGISTERED && state != ChangelogState.TAILING) {
            throw new IllegalArgumentException("A changelog partition starts REGISTERED or TAILING, not " + state);
        }
        this.changelog = new TopicPartition(partition.changelogTopic(), partition.partition());
        this.partition = partition;
        this.state = state;
    }

    TopicPartition changelog() {
        return this.changelog;
    }

    StoredTablePartition partition() {
        return this.partition;
    }

    ChangelogState state() {
        return this.state;
    }

    /**
     * The end offset the restore runs to.
     * @return the offset, or {@code -1} unless {@link ChangelogState#RESTORING} or {@link ChangelogState#COMPLETED}
     */
    long end() {
        return this.end;
    }

    /**
     * Puts an empty partition in the place of one whose checkpoint lies beyond the changelog's end, before the
     * restore begins.
     * @param fresh the replacement
     */
    void replace(StoredTablePartition fresh) {
        if (this.state != ChangelogState.REGISTERED) {
            throw new IllegalStateException(this.changelog + " is replaced only before its restore, not " + this.state);
        }
        this.partition = fresh;
        this.positioned = false;
    }

    /**
     * Whether the consumer reads from this partition's store position.
     * @return {@code false} until the reader seeks it
     */
    boolean positioned() {
        return this.positioned;
    }

    /**
     * Records that the consumer was sought to this partition's store position, or must be again (a new consumer).
     * @param positioned whether it was
     */
    void positioned(boolean positioned) {
        this.positioned = positioned;
    }

    /**
     * Begins the restore towards the changelog's end offset.
     * @param end the end offset now
     */
    void startRestore(long end) {
        moveTo(ChangelogState.RESTORING);
        this.end = end;
        this.partition.restoring(end);
    }

    /** The partition reached the end offset: it becomes active. */
    void completeRestore() {
        moveTo(ChangelogState.COMPLETED);
        this.partition.role(Role.ACTIVE);
    }

    /** The reader's consumer failed: the restore begins again once a new one read the end offset. */
    void restartRestore() {
        moveTo(ChangelogState.REGISTERED);
        this.end = -1;
    }

    /** The standby caught up with its changelog for the first time. */
    void caughtUp() {
        moveTo(ChangelogState.CAUGHT_UP);
    }

    /**
     * Moves to another state.
     * @param target the state
     * @throws IllegalStateException if the transition is not legal
     */
    void moveTo(ChangelogState target) {
        if (!this.state.canMoveTo(target)) {
            throw new IllegalStateException(this.changelog + " cannot move from " + this.state + " to " + target);
        }
        this.state = target;
    }

    @Override
    public String toString() {
        return this.changelog + "[" + this.state + ((this.end >= 0) ? ", end " + this.end : "") + "]";
    }
}
