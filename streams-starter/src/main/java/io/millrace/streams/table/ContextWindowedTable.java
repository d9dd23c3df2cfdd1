package io.millrace.streams.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
        if (this.windows.session()) {
            long eventTime = this.eventTime.getAsLong();
            return (eventTime > closed) ? List.of(new Window(eventTime, eventTime + 1)) : List.of();
        }
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
        if (this.windows.session()) {
            for (Windowed<K, V> session : fetch(key, windowStart, windowStart)) {
                if (session.windowStart() == windowStart) {
                    return session.value();
                }
            }
            return null;
        }
        return read(current(), encodeKey(key), windowStart);
    }

    private V read(TablePartition table, byte[] key, long windowStart) {
        return decode(readEncoded(table, WindowKeys.encode(windowStart, key)));
    }

    private V read(TablePartition table, byte[] windowed) {
        return decode(readEncoded(table, windowed));
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
        if (this.windows.session()) {
            return fetchSessions(key, from, to);
        }
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
        return compute(key, (window, current) -> value, (older, newer) -> newer);
    }

    @Override
    public List<Windowed<K, V>> compute(K key, BiFunction<? super Window, ? super V, ? extends V> function) {
        if (this.windows.session()) {
            throw new IllegalStateException("Windowed table '" + name() + "' has session windows, which merge: use "
                    + "compute(key, function, merger) or merge(key, value, function)");
        }
        return computeWindows(key, function);
    }

    @Override
    public List<Windowed<K, V>> compute(K key, BiFunction<? super Window, ? super V, ? extends V> function,
            BiFunction<? super V, ? super V, ? extends V> merger) {
        if (this.windows.session()) {
            return computeSession(key, function, merger);
        }
        return computeWindows(key, function);
    }

    private List<Windowed<K, V>> computeWindows(K key, BiFunction<? super Window, ? super V, ? extends V> function) {
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

    /**
     * Session windows: the record joins the sessions of its key it comes within the gap of. Late if its own session
     * would be closed, or if one of those sessions is closed (its result went out; it must not change).
     */
    private List<Windowed<K, V>> computeSession(K key, BiFunction<? super Window, ? super V, ? extends V> function,
            BiFunction<? super V, ? super V, ? extends V> merger) {
        TablePartition table = current();
        WindowState state = table.windowState();
        long eventTime = this.eventTime.getAsLong();
        long closed = state.lastClosedStart();
        if (eventTime <= closed) {
            return late(state);
        }
        byte[] encoded = encodeKey(key);
        long gap = this.windows.gapMillis();
        List<Session> touched = sessions(table, state, encoded, saturated(eventTime - gap, eventTime, true),
                saturated(eventTime + gap, eventTime, false));
        long start = eventTime;
        long last = eventTime;
        V current = null;
        for (Session session : touched) {
            if (session.last() <= closed) {
                return late(state);
            }
            start = Math.min(start, session.start());
            last = Math.max(last, session.last());
            V value = read(table, session.stored());
            if (value != null) {
                current = (current != null) ? merger.apply(current, value) : value;
            }
        }
        Window window = new Window(start, last + 1);
        V updated = function.apply(window, current);
        byte[] merged = WindowKeys.encodeSession(start, last, encoded);
        for (Session session : touched) {
            if (updated == null || !Arrays.equals(session.stored(), merged)) {
                this.writes.add(table, session.stored(), null);
            }
        }
        if (updated != null) {
            this.writes.add(table, merged, this.definition.valueSchema().encode(updated));
        }
        SessionIndex index = state.sessions();
        long mergedStart = start;
        long mergedLast = last;
        this.writes.onFinish(() -> {
            for (Session session : touched) {
                index.remove(encoded, session.start(), session.last());
            }
            if (updated != null) {
                index.add(encoded, mergedStart, mergedLast);
            }
            state.opened(((updated != null) ? 1 : 0) - touched.size());
        });
        return List.of(new Windowed<>(key, window, updated));
    }

    private static long saturated(long result, long from, boolean minus) {
        if (minus) {
            return (result > from) ? Long.MIN_VALUE : result;
        }
        return (result < from) ? Long.MAX_VALUE : result;
    }

    /**
     * The sessions of a key overlapping a time range as this record sees them: the recent sessions of the index,
     * unless this record deleted them, and the sessions this record wrote, oldest first.
     */
    private List<Session> sessions(TablePartition table, WindowState state, byte[] key, long from, long to) {
        List<Session> found = new ArrayList<>(2);
        for (SessionIndex.Session indexed : state.sessions().find(key, from, to)) {
            byte[] stored = WindowKeys.encodeSession(indexed.start(), indexed.last(), key);
            if (this.writes.lookup(table, stored) != null) {
                found.add(new Session(indexed.start(), indexed.last(), stored));
            }
        }
        if (this.writes.isEmpty()) {
            return found;
        }
        for (Map.Entry<TableWrites.ByteKey, byte[]> write : this.writes.of(table).entrySet()) {
            byte[] stored = write.getKey().bytes();
            if (write.getValue() == null || stored.length != key.length + 2 * WindowKeys.START_BYTES
                    || !Arrays.equals(WindowKeys.sessionKey(stored), key)) {
                continue;
            }
            long start = WindowKeys.sessionStart(stored);
            long last = WindowKeys.start(stored);
            Session session = new Session(start, last, stored);
            if (last >= from && start <= to && !found.contains(session)) {
                found.add(session);
            }
        }
        found.sort(Comparator.comparingLong(Session::start));
        return found;
    }

    /**
     * Session windows: the key's sessions overlapping {@code [from, to]}: the recent ones from the index, those that
     * ended before it from a scan of the store (every key's sessions ending in the range).
     */
    private List<Windowed<K, V>> fetchSessions(K key, long from, long to) {
        TablePartition table = current();
        WindowState state = table.windowState();
        byte[] encoded = encodeKey(key);
        List<Session> found = new ArrayList<>();
        long pruned = state.sessions().prunedThrough();
        if (from <= pruned) {
            table.range(WindowKeys.bound(from), WindowKeys.bound(pruned + 1), (stored, value) -> {
                if (!WindowKeys.isMeta(stored) && stored.length == encoded.length + 2 * WindowKeys.START_BYTES
                        && WindowKeys.sessionStart(stored) <= to
                        && Arrays.equals(WindowKeys.sessionKey(stored), encoded)) {
                    if (found.size() >= Windows.MAX_WINDOWS_PER_FETCH) {
                        throw new IllegalArgumentException("A fetch of table '" + name() + "' holds more than "
                                + Windows.MAX_WINDOWS_PER_FETCH + " sessions: narrow [" + from + ", " + to + "]");
                    }
                    found.add(new Session(WindowKeys.sessionStart(stored), WindowKeys.start(stored), stored));
                }
            });
        }
        found.addAll(sessions(table, state, encoded, Math.max(from, saturated(pruned + 1, pruned, false)), to));
        found.sort(Comparator.comparingLong(Session::start));
        List<Windowed<K, V>> sessions = new ArrayList<>(found.size());
        for (Session session : found) {
            V value = read(table, session.stored());
            if (value != null) {
                sessions.add(new Windowed<>(key, new Window(session.start(), session.last() + 1), value));
            }
        }
        return sessions;
    }

    /** A session of the record's key: its first and last event times and its store key. */
    private record Session(long start, long last, byte[] stored) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Session session && session.start == this.start && session.last == this.last;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(this.start) * 31 + Long.hashCode(this.last);
        }
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
