package io.millrace.streams.strategy.worker;

/** Which messages must be processed one after the other. */
public enum Ordering {
    /** Messages with the same record key (records without a key: same partition). */
    KEY,
    /** Messages from the same partition. */
    PARTITION,
    /** None: every message may run at once. */
    NONE
}
