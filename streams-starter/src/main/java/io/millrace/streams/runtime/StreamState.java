package io.millrace.streams.runtime;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a stream, with its legal transitions.
 */
public enum StreamState {

    /** Known, not started. */
    CREATED,

    /** Waiting for its input topic to exist. */
    WAITING_FOR_INPUT,

    /** Consumer clients running. */
    RUNNING,

    /** Running but not fetching: paused by an operator. */
    PAUSED,

    /** Finishing in-flight work, committing, leaving the group. */
    STOPPING,

    /** Stopped cleanly. */
    STOPPED,

    /** Stopped by an error; see the stream's error. */
    FAILED;

    static {
        CREATED.next = EnumSet.of(WAITING_FOR_INPUT, RUNNING, STOPPING, FAILED);
        WAITING_FOR_INPUT.next = EnumSet.of(RUNNING, STOPPING, FAILED);
        RUNNING.next = EnumSet.of(PAUSED, STOPPING, FAILED);
        PAUSED.next = EnumSet.of(RUNNING, STOPPING, FAILED);
        STOPPING.next = EnumSet.of(STOPPED, FAILED);
        STOPPED.next = EnumSet.of(CREATED);
        FAILED.next = EnumSet.of(CREATED, STOPPING);
    }

    private Set<StreamState> next;

    /**
     * Whether a stream in this state may move to the given one.
     * @param target the next state
     * @return {@code true} if the transition is legal
     */
    public boolean canMoveTo(StreamState target) {
        return this.next.contains(target);
    }
}
