package io.millrace.streams.table;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One entry of a store, or one write to it: a {@code null} value is a delete (a tombstone).
 *
 * <p>Compared by the content of its arrays, unlike a plain record of arrays.
 *
 * @param key the key, never {@code null}
 * @param value the value, {@code null} for a delete
 */
public record KeyValue(byte[] key, byte[] value) {

    public KeyValue {
        Objects.requireNonNull(key, "key");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyValue entry && Arrays.equals(this.key, entry.key)
                && Arrays.equals(this.value, entry.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(this.key) + Arrays.hashCode(this.value);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return hex.formatHex(this.key) + "=" + ((this.value != null) ? hex.formatHex(this.value) : "<delete>");
    }
}
