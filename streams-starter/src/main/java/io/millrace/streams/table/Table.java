package io.millrace.streams.table;

import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * A key-value table of a stream, as a processor sees it while it handles one record: the partition of the table
 * equal to the record's input partition (tables are partitioned like the stream's input).
 *
 * <p>Reads see the table as of the last finished record plus this record's own writes. Writes belong to the record
 * being processed: they reach the local store and the changelog only when the record is finished, and are dropped if
 * it is dead-lettered or its processing is retried, so a failed record never changes a table. Under
 * {@code exactly-once} they become durable with the transaction that commits the record's offset.
 *
 * <p>Obtain a table with {@code StreamContext.table(name)}; do not keep it past the call.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Table<K, V> {

    /**
     * The table's name.
     * @return the name
     */
    String name();

    /**
     * The partition this view reads and writes.
     * @return the input partition of the record in hand
     */
    int partition();

    /**
     * The value of a key.
     * @param key the key
     * @return the value, or {@code null} if absent
     */
    V get(K key);

    /**
     * The value of a key, or a default.
     * @param key the key
     * @param defaultValue returned when the key is absent
     * @return the value or the default
     */
    default V getOrDefault(K key, V defaultValue) {
        V value = get(key);
        return (value != null) ? value : defaultValue;
    }

    /**
     * Sets the value of a key.
     * @param key the key
     * @param value the value, not {@code null} (use {@link #delete})
     */
    void put(K key, V value);

    /**
     * Removes a key; its changelog record is a tombstone.
     * @param key the key
     */
    void delete(K key);

    /**
     * Computes a key's new value from its current one.
     * @param key the key
     * @param function gets the key and the current value ({@code null} if absent); returns the new value, or
     * {@code null} to delete the key
     * @return the new value, or {@code null}
     */
    default V compute(K key, BiFunction<? super K, ? super V, ? extends V> function) {
        V updated = function.apply(key, get(key));
        if (updated != null) {
            put(key, updated);
        }
        else {
            delete(key);
        }
        return updated;
    }

    /**
     * Sets a key to {@code value} if absent, else to {@code function(current, value)}.
     * @param key the key
     * @param value the value to merge in
     * @param function combines the current value and {@code value}; {@code null} deletes the key
     * @return the new value, or {@code null}
     */
    default V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> function) {
        return compute(key, (k, current) -> (current != null) ? function.apply(current, value) : value);
    }

    /**
     * Visits every entry of this partition in key order (the order of the encoded keys' bytes).
     * @param action gets each key and value
     */
    void forEach(BiConsumer<? super K, ? super V> action);

    /**
     * An estimate of the number of entries in this partition.
     * @return the estimate
     */
    long approximateSize();
}
