package io.millrace.streams.table;

import java.util.ArrayList;
import java.util.List;

/**
 * Closes windows when a record moves the stream time of its partition: finds the windows of each windowed table
 * whose end plus grace the new stream time reached, hands each to the stream's outputs of closed windows, and marks
 * them closed in the partition's metadata, all as part of the record (its outputs and table writes), so that under
 * {@code exactly-once} a window's result commits in the same transaction as its closing. Session windows close the
 * same way: their store keys begin with the session's last event time, so the sessions whose last event time plus gap
 * plus grace the stream time reached are one range scan too, oldest first.
 */
public final class WindowClosing {

    private WindowClosing() {
    }

    /**
     * Hands closed windows to the outputs that take them.
     */
    @FunctionalInterface
    public interface ClosedWindows {

        /**
         * A window closed.
         * @param table the windowed table
         * @param window the key, the window and its value
         * @param key the encoded key
         */
        void closed(TableDefinition<?, ?> table, Windowed<Object, Object> window, byte[] key);
    }

    /**
     * Whether a stream has windowed tables.
     * @param tables the stream's tables
     * @return {@code true} if any is windowed
     */
    public static boolean any(Tables tables) {
        for (TableDefinition<?, ?> table : tables.definitions()) {
            if (table.windowed()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a stream has windowed tables whose quiet partitions follow the wall clock.
     * @param tables the stream's tables
     * @return {@code true} if any windowed table has {@link Windows#idleAfter()}
     */
    public static boolean anyIdleAfter(Tables tables) {
        for (TableDefinition<?, ?> table : tables.definitions()) {
            if (table.windowed() && table.windows().idleAfter() != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * A record was processed: moves the stream time of its partition in every windowed table and closes the
     * windows it reached. The times move, and the counters count, only once the record is finished.
     * @param tables the stream's tables in this instance
     * @param partition the record's input partition
     * @param eventTime the record's event time
     * @param writes the record's table writes, to which the metadata writes are added
     * @param closed gets each closed window with a value, oldest first (sessions: by last event time), then in key
     * order
     */
    public static void close(Tables tables, int partition, long eventTime, TableWrites writes,
            ClosedWindows closed) {
        for (TableDefinition<?, ?> definition : tables.definitions()) {
            if (definition.windowed()) {
                close(definition, tables.partition(definition.name(), partition), eventTime, writes, closed);
            }
        }
    }

    /**
     * A partition had no record for a while: in every windowed table whose {@link Windows#idleAfter()} that while
     * reached, the stream time moves to the clock's time, if later, and the windows it reached close exactly as a
     * record's closing would close them (results handed on, the metadata write added). The times move only once the
     * writes are finished. Call only while no record of the partition is processed.
     * @param tables the stream's tables in this instance
     * @param partition the quiet partition, active
     * @param now the clock's time
     * @param idleMillis how long the partition has had no record
     * @param writes the writes of this closing, to which the metadata writes are added
     * @param closed gets each closed window with a value, oldest first, then in key order
     */
    public static void closeIdle(Tables tables, int partition, long now, long idleMillis, TableWrites writes,
            ClosedWindows closed) {
        for (TableDefinition<?, ?> definition : tables.definitions()) {
            if (!definition.windowed()) {
                continue;
            }
            long idleAfter = definition.windows().idleAfterMillis();
            if (idleAfter >= 0 && idleMillis >= idleAfter) {
                close(definition, tables.partition(definition.name(), partition), now, writes, closed);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void close(TableDefinition<?, ?> definition, TablePartition table, long eventTime,
            TableWrites writes, ClosedWindows closed) {
        WindowState state = table.windowState();
        if (eventTime <= state.streamTime()) {
            return;
        }
        Windows windows = definition.windows();
        long previous = state.lastClosedStart();
        long latest = Math.max(previous, windows.lastClosedStart(eventTime));
        long count = 0;
        if (latest > previous) {
            List<KeyValue> closing = new ArrayList<>();
            table.range(WindowKeys.bound(previous + 1), WindowKeys.bound(latest + 1),
                    (key, value) -> closing.add(new KeyValue(key, value)));
            TableDefinition<Object, Object> typed = (TableDefinition<Object, Object>) definition;
            for (KeyValue entry : closing) {
                byte[] key = WindowKeys.key(windows, entry.key());
                Windowed<Object, Object> window = new Windowed<>(typed.keySchema().decode(key),
                        WindowKeys.window(windows, entry.key()), typed.valueSchema().decode(entry.value()));
                closed.closed(definition, window, key);
            }
            count = closing.size();
            writes.add(table, WindowKeys.META, state.meta(eventTime, previous, latest));
        }
        long closedWindows = count;
        writes.onFinish(() -> state.advance(eventTime, latest, closedWindows));
    }
}
