package io.millrace.streams.strategy;

import org.apache.kafka.common.KafkaException;

/**
 * A stream reached its {@link DeadLetterLimit}: it stops, and the record that reached the limit, and every record
 * after it, stay uncommitted, so that after a fix a restart processes them.
 */
public class DeadLetterLimitExceeded extends KafkaException {

    private final String partition;

    private final long offset;

    /**
     * Creates the failure.
     * @param partition the partition of the record that reached the limit, {@code <topic>-<partition>}
     * @param offset its offset
     * @param limit which limit it reached, and how
     * @param lastReasons the latest dead letters, oldest first
     */
    public DeadLetterLimitExceeded(String partition, long offset, String limit, String lastReasons) {
        super("Dead-letter limit reached on " + partition + " at offset " + offset + ": " + limit
                + "; the stream stops and commits nothing from that record on. Last dead letters: " + lastReasons);
        this.partition = partition;
        this.offset = offset;
    }

    /**
     * The partition of the record that reached the limit.
     * @return {@code <topic>-<partition>}
     */
    public String partition() {
        return this.partition;
    }

    /**
     * The offset of the record that reached the limit: the partition's committed offset is at most this.
     * @return the offset
     */
    public long offset() {
        return this.offset;
    }
}
