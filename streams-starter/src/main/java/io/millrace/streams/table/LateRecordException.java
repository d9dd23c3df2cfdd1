package io.millrace.streams.table;

/**
 * A record arrived for windows that are already closed: the stream time of its partition reached their end plus
 * their grace. Thrown by a {@link WindowedTable}'s writes; the record is not retried but dead-lettered with reason
 * {@code LATE} (or dropped, if the table says so), and counted.
 */
public final class LateRecordException extends RuntimeException {

    private final String table;

    private final long eventTime;

    private final long streamTime;

    /**
     * Creates the exception.
     * @param table the windowed table
     * @param eventTime the record's event time
     * @param streamTime the stream time of its partition
     * @param grace the table's grace
     */
    public LateRecordException(String table, long eventTime, long streamTime, long grace) {
        super("record with event time " + eventTime + " is late for table '" + table + "': stream time "
                + streamTime + ", grace " + grace + " ms, its windows are closed");
        this.table = table;
        this.eventTime = eventTime;
        this.streamTime = streamTime;
    }

    public String table() {
        return this.table;
    }

    public long eventTime() {
        return this.eventTime;
    }

    public long streamTime() {
        return this.streamTime;
    }
}
