package io.millrace.streams.runtime;

/**
 * A stream's delivery guarantee.
 */
public enum Guarantee {

    /** Outputs are acknowledged before their input offsets are committed; a crash may repeat records. */
    AT_LEAST_ONCE,

    /** Outputs and input offsets commit in one Kafka transaction; consumers read committed. */
    EXACTLY_ONCE
}
