package io.millrace.streams.processor;

import java.nio.charset.StandardCharsets;

/**
 * Receives the records of a {@link FlatOutputProcessor}. Not thread-safe: use it only inside
 * {@link FlatOutputProcessor#process}.
 *
 * @param <O> the output message type
 */
public interface Emitter<O> {

    /**
     * Emits a record with the given key.
     * @param key the record key, or {@code null} to keep the input record's key
     * @param value the output message
     */
    void emit(byte[] key, O value);

    /**
     * Emits a record with the input record's key.
     * @param value the output message
     */
    default void emit(O value) {
        emit((byte[]) null, value);
    }

    /**
     * Emits a record keyed by a string (UTF-8).
     * @param key the record key
     * @param value the output message
     */
    default void emit(String key, O value) {
        emit(key.getBytes(StandardCharsets.UTF_8), value);
    }
}
