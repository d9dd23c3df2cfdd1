package io.millrace.streams.table.internal;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where the changelog reader is with one changelog partition, with its legal transitions.
 *
 * <p>A restore runs {@code REGISTERED → RESTORING → COMPLETED}, as in Kafka Streams' {@code StoreChangelogReader};
 * a standby runs {@code TAILING → CAUGHT_UP} and tails on until released. {@link ChangelogReader#restore} and
 * {@link ChangelogReader#standby} register a partition afresh whatever it was before, and
 * {@link ChangelogReader#release} forgets it in any state: those are new lives, not transitions.
 */
enum ChangelogState {

    /** To be restored; its changelog's end offset is not read yet. */
    REGISTERED,

    /** Being restored, from its position towards the end offset read when the restore began. */
    RESTORING,

    /** Restored up to that end offset and active: the reader drops it from its assignment next. */
    COMPLETED,

    /** A standby tailing its changelog, not caught up yet. */
    TAILING,

    /** A standby that caught up once, which its listeners heard; it tails on. */
    CAUGHT_UP;

    static {
        REGISTERED.next = EnumSet.of(RESTORING);
        // Back to REGISTERED when the reader's consumer failed: its replacement reads the end offset again.
        RESTORING.next = EnumSet.of(COMPLETED, REGISTERED);
        COMPLETED.next = EnumSet.noneOf(ChangelogState.class);
        TAILING.next = EnumSet.of(CAUGHT_UP);
        CAUGHT_UP.next = EnumSet.noneOf(ChangelogState.class);
    }

    private Set<ChangelogState> next;

    /**
     * Whether a changelog partition in this state may move to the given one.
     * @param target the next state
     * @return {@code true} if the transition is legal
     */
    boolean canMoveTo(ChangelogState target) {
        return this.next.contains(target);
    }

    /**
     * Whether the reader applies the changelog's records to the partition's store in this state.
     * @return {@code true} unless the restore completed
     */
    boolean reads() {
        return this != COMPLETED;
    }

    /**
     * Whether this is a state of a standby.
     * @return {@code true} for {@link #TAILING} and {@link #CAUGHT_UP}
     */
    boolean isStandby() {
        return this == TAILING || this == CAUGHT_UP;
    }
}
