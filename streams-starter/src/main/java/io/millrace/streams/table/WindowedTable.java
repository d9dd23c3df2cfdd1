package io.millrace.streams.table;

import java.util.List;
import java.util.function.BiFunction;

/**
 * A windowed table of a stream, as a processor sees it while it handles one record: per key, one value per time
 * window, in the partition equal to the record's input partition.
 *
 * <p>Writes go to every window the record's event time falls in ({@link io.millrace.streams.processor.StreamContext#eventTime()}):
 * one for tumbling windows, several for hopping ones. Windows already closed (the partition's stream time reached
 * their end plus grace) are not written; if all of the record's windows are closed the write throws
 * {@link LateRecordException}, and the record is dead-lettered with reason {@code LATE} (or dropped, if the table
 * drops late records). Like a {@link Table}'s, writes belong to the record: they become durable with it and are
 * dropped if it fails.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface WindowedTable<K, V> {

    /**
     * The table's name.
     * @return the name
     */
    String name();

    /**
     * How the table cuts time.
     * @return the windows
     */
    Windows windows();

    /**
     * The stream time of the record's partition: the largest event time seen there before this record.
     * @return epoch milliseconds, {@link Long#MIN_VALUE} before the first record
     */
    long streamTime();

    /**
     * The windows of the record in hand that are still open: the windows its writes go to.
     * @return the windows, oldest first; empty if the record is late
     */
    List<Window> openWindows();

    /**
     * The value of a key in a window.
     * @param key the key
     * @param windowStart the window's start
     * @return the value, or {@code null}
     */
    V get(K key, long windowStart);

    /**
     * The windows of a key that start in a time range, oldest first.
     * @param key the key
     * @param from the earliest window start, inclusive
     * @param to the latest window start, inclusive
     * @return the key's windows with a value
     * @throws IllegalArgumentException if the range spans more than {@link Windows#MAX_WINDOWS_PER_FETCH} windows
     */
    List<Windowed<K, V>> fetch(K key, long from, long to);

    /**
     * Sets a key's value in every open window of the record in hand.
     * @param key the key
     * @param value the value, not {@code null}
     * @return the windows written
     * @throws LateRecordException if every window of the record is closed
     */
    List<Windowed<K, V>> put(K key, V value);

    /**
     * Computes a key's value in every open window of the record in hand.
     * @param key the key
     * @param function gets the window and the key's current value there ({@code null} if absent); returns the new
     * value, or {@code null} to delete it
     * @return the windows written, with their new values
     * @throws LateRecordException if every window of the record is closed
     */
    List<Windowed<K, V>> compute(K key, BiFunction<? super Window, ? super V, ? extends V> function);

    /**
     * Merges a value into a key's value in every open window of the record in hand: {@code value} where absent,
     * else {@code function(current, value)}.
     * @param key the key
     * @param value the value to merge in
     * @param function combines the current value and {@code value}
     * @return the windows written, with their new values
     * @throws LateRecordException if every window of the record is closed
     */
    default List<Windowed<K, V>> merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> function) {
        return compute(key, (window, current) -> (current != null) ? function.apply(current, value) : value);
    }
}
