package io.millrace.streams.processor;

import java.util.Map;

import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;

import io.millrace.streams.table.Table;
import io.millrace.streams.table.WindowedTable;

/**
 * What a processor knows about the record in hand and its worker.
 *
 * <p>One context belongs to one worker thread; the record accessors describe the record being processed and
 * must not be kept past the call.
 */
public interface StreamContext {

    /**
     * The stream's name.
     * @return the stream name
     */
    String stream();

    /**
     * The record key as received.
     * @return the key bytes, or {@code null}
     */
    byte[] key();

    /**
     * The record key as a UTF-8 string.
     * @return the key, or {@code null}
     */
    String keyAsString();

    /**
     * The record headers as received.
     * @return the headers
     */
    Headers headers();

    /**
     * The topic the record was read from.
     * @return the topic
     */
    String topic();

    /**
     * The partition the record was read from.
     * @return the partition
     */
    int partition();

    /**
     * The record's offset.
     * @return the offset
     */
    long offset();

    /**
     * The record's timestamp in milliseconds since the epoch.
     * @return the timestamp
     */
    long timestamp();

    /**
     * The record's event time: what windowed tables file it under, and what moves the stream time of its
     * partition. The record's timestamp unless the input processor's {@code eventTime} says otherwise.
     * @return epoch milliseconds
     */
    default long eventTime() {
        return timestamp();
    }

    /**
     * A logger named after the stream.
     * @return the logger
     */
    Logger logger();

    /**
     * Attributes private to this worker, kept across records (Bruco's context attributes).
     * @return a mutable map
     */
    Map<String, Object> attributes();

    /**
     * The stream's properties ({@code millrace.streams.<name>.properties.*}), like Bruco's {@code env}.
     * @return an unmodifiable map
     */
    Map<String, String> properties();

    /**
     * A table of the stream, partitioned like its input: the view reads and writes the partition of the record in
     * hand. Writes become durable with the record: they are dropped if it fails.
     * @param name the table's name
     * @param <K> the key type
     * @param <V> the value type
     * @return the table
     * @throws IllegalArgumentException if the stream has no such table
     */
    <K, V> Table<K, V> table(String name);

    /**
     * A windowed table of the stream, partitioned like its input: the view reads and writes the partition of the
     * record in hand, its writes go to the windows of the record's {@link #eventTime()}.
     * @param name the table's name
     * @param <K> the key type
     * @param <V> the value type
     * @return the table
     * @throws IllegalArgumentException if the stream has no such windowed table
     */
    default <K, V> WindowedTable<K, V> windowedTable(String name) {
        throw new IllegalArgumentException("Stream '" + stream() + "' has no windowed table '" + name + "'");
    }
}
