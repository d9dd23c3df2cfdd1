package io.millrace.streams.table;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * A {@link WindowedTable} as a worker sees it: the partition of the record in hand, this record's writes over the
 * committed windows. One per worker and windowed table.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ContextWindowedTable<K, V> implements WindowedTable<K, V> {

    private final TableDefinition<K, V> definition;

    private final Windows windows;

    private final Tables tables;

    private final TableWrites writes;

    private final IntSupplier partition;

    private final LongSupplier eventTime;

    /**
     * Creates the view.
     * @param definition the windowed table
     * @param tables the stream's tables in this instance
     * @param writes the worker's writes of the record in hand
     * @param partition the input partition of the record in hand, {@code -1} if none
     * @param eventTime the event time of the record in hand
     */
    public ContextWindowedTable(TableDefinition<K, V> definition, Tables tables, TableWrites writes,
            IntSupplier partition, LongSupplier eventTime) {
        if (!definition.windowed()) {
            throw new IllegalArgumentException("Table '" + definition.name() + "' is not windowed");
        }
        this.definition = definition;
        this.windows = definition.windows();
        this.tables = tables;
        this.writes = writes;
        this.partition = partition;
        this.eventTime = eventTime;
    }

    private TablePartition current() {
        return ContextTable.current(this.tables, "Windowed table '" + this.definition.name() + "'", this.definition,
                this.partition);
    }

    @Override
    public String name() {
        return this.definition.name();
    }

    @Override
    public Windows windows() {
        return this.windows;
    }

    @Override
    public long streamTime() {
        return current().windowState().streamTime();
    }

    @Override
    public List<Window> openWindows() {
        return openWindows(current().windowState());
    }

    private List<Window> openWindows(WindowState state) {
        long closed = state.lastClosedStart();
        List<Window> all = this.windows.windowsFor(this.eventTime.getAsLong());
        if (all.get(0).start() > closed) {
            return all;
        }
        List<Window> open = new ArrayList<>(all.size());
        for (Window window : all) {
            if (window.start() > closed) {
                open.add(window);
            }
        }
        return open;
    }

    @Override
    public V get(K key, long windowStart) {
        return read(current(), encodeKey(key), windowStart);
    }

    private V read(TablePartition table, byte[] key, long windowStart) {
        return decode(readEncoded(table, WindowKeys.encode(windowStart, key)));
    }

    private byte[] readEncoded(TablePartition table, byte[] windowed) {
        byte[] value = this.writes.lookup(table, windowed);
        if (value == TableWrites.NOT_WRITTEN) {
            value = table.get(windowed);
        }
        return value;
    }

    private V decode(byte[] value) {
        return (value != null) ? this.definition.valueSchema().decode(value) : null;
    }

    @Override
    public List<Windowed<K, V>> fetch(K key, long from, long to) {
        TablePartition table = current();
        byte[] encoded = encodeKey(key);
        long advance = this.windows.advanceMillis();
        long first = Math.floorDiv(from, advance) * advance;
        if (first < from) {
            first += advance;
        }
        if (to >= first && (to - first) / advance >= Windows.MAX_WINDOWS_PER_FETCH) {
            throw new IllegalArgumentException("A fetch of table '" + name() + "' spans more than "
                    + Windows.MAX_WINDOWS_PER_FETCH + " windows: narrow [" + from + ", " + to + "]");
        }
        List<Windowed<K, V>> found = new ArrayList<>();
        for (long start = first; start <= to; start += advance) {
            V value = read(table, encoded, start);
            if (value != null) {
                found.add(new Windowed<>(key, this.windows.window(start), value));
            }
        }
        return found;
    }

    @Override
    public List<Windowed<K, V>> put(K key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("Windowed table '" + name() + "' takes no null value");
        }
        return compute(key, (window, current) -> value);
    }

    @Override
    public List<Windowed<K, V>> compute(K key, BiFunction<? super Window, ? super V, ? extends V> function) {
        TablePartition table = current();
        WindowState state = table.windowState();
        long eventTime = this.eventTime.getAsLong();
        long last = this.windows.lastWindowStart(eventTime);
        long closed = state.lastClosedStart();
        if (last <= closed) {
            return late(state);
        }
        long advance = this.windows.advanceMillis();
        long first = this.windows.firstWindowStart(eventTime);
        if (first <= closed) {
            // The oldest open window: the first start after the newest closed one.
            first += (Math.floorDiv(closed - first, advance) + 1) * advance;
        }
        byte[] encoded = encodeKey(key);
        if (first == last) {
            return List.of(update(table, state, key, encoded, this.windows.window(first), function));
        }
        List<Windowed<K, V>> written = new ArrayList<>((int) Math.min(64, (last - first) / advance + 1));
        for (long start = first; start <= last; start += advance) {
            written.add(update(table, state, key, encoded, this.windows.window(start), function));
        }
        return written;
    }

    /** Reads, computes and writes a key in one window: its windowed key encoded once for both. */
    private Windowed<K, V> update(TablePartition table, WindowState state, K key, byte[] encoded, Window window,
            BiFunction<? super Window, ? super V, ? extends V> function) {
        byte[] windowed = WindowKeys.encode(window.start(), encoded);
        V current = decode(readEncoded(table, windowed));
        V updated = function.apply(window, current);
        this.writes.add(table, windowed, (updated != null) ? this.definition.valueSchema().encode(updated) : null);
        if (current == null && updated != null) {
            this.writes.onFinish(state::opened);
        }
        return new Windowed<>(key, window, updated);
    }

    private List<Windowed<K, V>> late(WindowState state) {
        if (this.windows.dropLate()) {
            this.writes.onFinish(state::droppedLate);
            return List.of();
        }
        state.late();
        throw new LateRecordException(name(), this.eventTime.getAsLong(), state.streamTime(),
                this.windows.graceMillis());
    }

    private byte[] encodeKey(K key) {
        if (key == null) {
            throw new IllegalArgumentException("Windowed table '" + name() + "' takes no null key");
        }
        return this.definition.keySchema().encode(key);
    }
}
