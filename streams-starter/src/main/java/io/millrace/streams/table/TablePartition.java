package io.millrace.streams.table;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The partition of one table that a record reads and writes: what the per-record write path ({@link TableWrites},
 * the {@link Table} a processor holds) needs of it. The runtime keeps the store, the changelog position and the
 * checkpoints behind it.
 */
public interface TablePartition {

    /** Where a partition stands. */
    enum Role {
        /** Catching up with its changelog before its records are processed. */
        RESTORING,
        /** Owned: its records are processed. */
        ACTIVE,
        /** A warm copy of a partition another instance owns. */
        STANDBY
    }

    /**
     * The table this is a partition of.
     * @return the definition
     */
    TableDefinition<?, ?> definition();

    /**
     * The table's changelog topic.
     * @return the topic
     */
    String changelogTopic();

    /**
     * The partition number, the same as the input partition it follows.
     * @return the partition
     */
    int partition();

    /**
     * Where this partition stands.
     * @return the role
     */
    Role role();

    /**
     * A key's committed value. Any thread.
     * @param key the encoded key
     * @return the encoded value, or {@code null}
     */
    byte[] get(byte[] key);

    /**
     * Applies the writes of finished records, whose changelog records the broker acknowledged. Any thread.
     * @param writes encoded keys and values, a {@code null} value deletes
     */
    void apply(List<KeyValue> writes);

    /**
     * The broker acknowledged one of this partition's changelog writes: the changelog position moves past it.
     * @param offset the write's changelog offset
     */
    void acknowledged(long offset);

    /**
     * About how many entries the partition holds.
     * @return the estimate
     */
    long approximateSize();

    /**
     * Visits the committed entries in key order.
     * @param action gets each encoded key and value
     */
    void forEach(BiConsumer<byte[], byte[]> action);

    /**
     * Visits the committed entries from one key (inclusive) to another (exclusive), in key order.
     * @param from the first key
     * @param to the key to stop before, {@code null} for the end
     * @param action gets each encoded key and value
     */
    void range(byte[] from, byte[] to, BiConsumer<byte[], byte[]> action);

    /**
     * Whether this partition's writes reach the changelog when the loop commits, the latest value of each key once,
     * rather than one changelog record per write with the outputs of the record that made it (a write cache, as
     * Kafka Streams' record cache folds a key's updates between commits). Under {@code exactly-once} they are sent in
     * the transaction before it commits; under {@code at-least-once} they are sent, and acknowledged, before the
     * offsets of the records that made them are committed.
     * @return whether the changelog is written at the commit
     */
    default boolean changelogAtCommit() {
        return false;
    }

    /**
     * A changelog write of this partition failed: under {@code at-least-once} the key's latest value is sent again
     * with the next commit (once: by itself, or as a newer write not sent yet). Any thread (the producer's).
     * @param key the encoded key
     * @param value the encoded value, {@code null} for a delete
     */
    default void unacknowledged(byte[] key, byte[] value) {
    }

    /**
     * The stream time and closed windows of a windowed table's partition.
     * @return the state, {@code null} for a plain table
     */
    default WindowState windowState() {
        return null;
    }
}
