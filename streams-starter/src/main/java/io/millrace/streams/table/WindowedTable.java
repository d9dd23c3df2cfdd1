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
 * <p>Session windows ({@link Windows#session(java.time.Duration)}): a write goes to the key's session the record
 * joins: the sessions of the key it comes within the gap of, merged into one, or a new session of the record alone.
 * Merging needs to combine the sessions' values: {@link #merge} combines them with its own function (which must
 * therefore be associative, like a sum), {@link #compute(Object, BiFunction, BiFunction)} takes a merger; the
 * two-argument {@link #compute(Object, BiFunction)} is refused. The merged sessions' entries are deleted (in the store
 * and the changelog). A session's {@link Window} runs from its first event time to one past its last.
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
     * The windows of the record in hand that are still open: the windows its writes go to. Session windows: the
     * record's own session {@code [t, t + 1)} unless the record is late by itself (which session it joins depends on
     * its key).
     * @return the windows, oldest first; empty if the record is late
     */
    List<Window> openWindows();

    /**
     * The value of a key in a window.
     * @param key the key
     * @param windowStart the window's start (a session's first event time)
     * @return the value, or {@code null}
     */
    V get(K key, long windowStart);

    /**
     * The windows of a key that start in a time range, oldest first. Session windows: the key's sessions that
     * overlap the range (their last event time at or after {@code from}, their first at or before {@code to}); the
     * recent ones come from memory, older ones from a scan of the sessions of every key that end in the range.
     * @param key the key
     * @param from the earliest window start, inclusive (sessions: the earliest time)
     * @param to the latest window start, inclusive (sessions: the latest time)
     * @return the key's windows with a value
     * @throws IllegalArgumentException if the range spans (or, for sessions, holds) more than
     * {@link Windows#MAX_WINDOWS_PER_FETCH} windows
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
     * @throws IllegalStateException for session windows, whose merges need
     * {@link #compute(Object, BiFunction, BiFunction)}
     */
    List<Windowed<K, V>> compute(K key, BiFunction<? super Window, ? super V, ? extends V> function);

    /**
     * Computes a key's value in every open window of the record in hand; for session windows, in the session the
     * record joins, the values of the sessions it merges combined first with {@code merger}, oldest first.
     * @param key the key
     * @param function gets the window (the merged session) and the key's current value there ({@code null} if
     * absent); returns the new value, or {@code null} to delete it (and the sessions it merged)
     * @param merger combines the values of two sessions that merge, the older first; unused by tumbling and
     * hopping windows
     * @return the windows written, with their new values
     * @throws LateRecordException if every window of the record is closed; for session windows, if its own session
     * would be closed, or it comes within the gap of a closed session
     */
    default List<Windowed<K, V>> compute(K key, BiFunction<? super Window, ? super V, ? extends V> function,
            BiFunction<? super V, ? super V, ? extends V> merger) {
        return compute(key, function);
    }

    /**
     * Merges a value into a key's value in every open window of the record in hand: {@code value} where absent,
     * else {@code function(current, value)}. For session windows, {@code function} also combines the values of
     * sessions that merge, so it must be associative.
     * @param key the key
     * @param value the value to merge in
     * @param function combines the current value and {@code value}
     * @return the windows written, with their new values
     * @throws LateRecordException if every window of the record is closed
     */
    default List<Windowed<K, V>> merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> function) {
        return compute(key, (window, current) -> (current != null) ? function.apply(current, value) : value, function);
    }
}
