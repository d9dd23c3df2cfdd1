package io.millrace.streams.table;

/**
 * A time window: event times from {@code start} (inclusive) to {@code end} (exclusive), in epoch milliseconds.
 *
 * @param start the first millisecond in the window
 * @param end the first millisecond after it
 */
public record Window(long start, long end) {

    public Window {
        if (end <= start) {
            throw new IllegalArgumentException("a window ends after it starts: [" + start + ", " + end + ")");
        }
    }

    /**
     * Whether an event time falls in this window.
     * @param eventTime epoch milliseconds
     * @return {@code start <= eventTime < end}
     */
    public boolean contains(long eventTime) {
        return eventTime >= this.start && eventTime < this.end;
    }
}
