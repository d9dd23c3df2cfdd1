package io.millrace.streams.query;

/** Which copies of a table partition may answer a query. */
public enum ReadFrom {

    /** Only the partition's owner, whose values are current: the default. */
    ACTIVE,

    /** The owner or a standby copy, whose values may be behind the owner's: for reads that accept stale values. */
    ACTIVE_OR_STANDBY;

    boolean standby() {
        return this == ACTIVE_OR_STANDBY;
    }
}
