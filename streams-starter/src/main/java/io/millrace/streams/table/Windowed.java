package io.millrace.streams.table;

/**
 * The value of one key in one window of a windowed table: what a windowed table's reads return, and what an output
 * of closed windows receives when a window closes.
 *
 * @param key the key
 * @param window the window
 * @param value the value
 * @param <K> the key type
 * @param <V> the value type
 */
public record Windowed<K, V>(K key, Window window, V value) {

    /**
     * The window's first millisecond.
     * @return epoch milliseconds
     */
    public long windowStart() {
        return this.window.start();
    }

    /**
     * The first millisecond after the window.
     * @return epoch milliseconds
     */
    public long windowEnd() {
        return this.window.end();
    }
}
