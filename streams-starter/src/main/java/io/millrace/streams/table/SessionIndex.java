package io.millrace.streams.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import io.millrace.streams.table.TableWrites.ByteKey;

/**
 * The recent sessions of one partition of a table of session windows, by key: how a record finds the sessions of its
 * key that it comes within the gap of, without reading every session of every key.
 *
 * <p>Why in memory, beside the store: the store keeps sessions time-major, by their last event time
 * ({@link WindowKeys#encodeSession}), so that they expire a segment at a time and the sessions that close are one
 * range scan, exactly as other windows. A key-major order would serve the per-record lookup but make every closing
 * a scan of whole segments; a second, key-major copy in the store would double every write and its changelog
 * traffic, and would need deletes of its own (the metadata store never expires). A record that is not late reaches
 * only sessions whose last event time is after {@code streamTime - 2 * gap - grace}
 * ({@link Windows#unreachableSessions}), so the index holds just those: about the keys active in the last
 * {@code 2 * gap + grace} of event time, one small entry per session (its key, first and last event times). It is
 * rebuilt from one range scan of the store's most recent sessions whenever the partition's window state is loaded
 * (opening, after a restore, after an aborted transaction), changes only when a record finishes (like the store), and
 * drops older sessions as the stream time moves.
 *
 * <p>Thread-safety: the partition's records are processed one at a time; the methods are synchronized for the
 * loads from other threads.
 */
public final class SessionIndex {

    /** Sessions of a key: first event time to last. */
    private final Map<ByteKey, TreeMap<Long, Long>> byKey = new HashMap<>();

    /** Every session by its last event time, for pruning. */
    private final TreeSet<Entry> byLast = new TreeSet<>(Comparator.comparingLong(Entry::last)
        .thenComparingLong(Entry::start)
        .thenComparing((entry) -> entry.key().bytes(), Arrays::compareUnsigned));

    /** Sessions whose last event time is at or before this may be missing. */
    private long prunedThrough = Long.MIN_VALUE;

    /**
     * A session of a key.
     * @param start its first event time
     * @param last its last event time
     */
    public record Session(long start, long last) {
    }

    private record Entry(long last, long start, ByteKey key) {
    }

    /**
     * Forgets every session.
     * @param prunedThrough sessions whose last event time is at or before it will not be added
     */
    public synchronized void clear(long prunedThrough) {
        this.byKey.clear();
        this.byLast.clear();
        this.prunedThrough = prunedThrough;
    }

    /**
     * The sessions of a key that overlap a time range: {@code last >= from} and {@code start <= to}.
     * @param key the encoded key
     * @param from the earliest time, inclusive
     * @param to the latest time, inclusive
     * @return the sessions, oldest first
     */
    public synchronized List<Session> find(byte[] key, long from, long to) {
        TreeMap<Long, Long> sessions = this.byKey.get(new ByteKey(key));
        if (sessions == null) {
            return List.of();
        }
        List<Session> found = new ArrayList<>(2);
        // A key's sessions do not overlap: by descending start, their last event times descend too.
        for (Map.Entry<Long, Long> session : sessions.headMap(to, true).descendingMap().entrySet()) {
            if (session.getValue() < from) {
                break;
            }
            found.add(new Session(session.getKey(), session.getValue()));
        }
        Collections.reverse(found);
        return found;
    }

    /**
     * A session was written.
     * @param key the encoded key
     * @param start its first event time
     * @param last its last event time
     */
    public synchronized void add(byte[] key, long start, long last) {
        if (last <= this.prunedThrough) {
            return;
        }
        ByteKey indexed = new ByteKey(key);
        Long previous = this.byKey.computeIfAbsent(indexed, (k) -> new TreeMap<>()).put(start, last);
        if (previous != null) {
            this.byLast.remove(new Entry(previous, start, indexed));
        }
        this.byLast.add(new Entry(last, start, indexed));
    }

    /**
     * A session was deleted (merged into another). Nothing if it is not indexed.
     * @param key the encoded key
     * @param start its first event time
     * @param last its last event time
     */
    public synchronized void remove(byte[] key, long start, long last) {
        ByteKey indexed = new ByteKey(key);
        TreeMap<Long, Long> sessions = this.byKey.get(indexed);
        if (sessions == null || !sessions.remove(start, last)) {
            return;
        }
        if (sessions.isEmpty()) {
            this.byKey.remove(indexed);
        }
        this.byLast.remove(new Entry(last, start, indexed));
    }

    /**
     * Drops the sessions no record can reach any more.
     * @param through the last event time at or before which sessions go
     */
    public synchronized void prune(long through) {
        if (through <= this.prunedThrough) {
            return;
        }
        this.prunedThrough = through;
        while (!this.byLast.isEmpty() && this.byLast.first().last() <= through) {
            Entry oldest = this.byLast.pollFirst();
            TreeMap<Long, Long> sessions = this.byKey.get(oldest.key());
            sessions.remove(oldest.start());
            if (sessions.isEmpty()) {
                this.byKey.remove(oldest.key());
            }
        }
    }

    /**
     * The last event time at or before which sessions may be missing: those are read from the store.
     * @return the bound, {@link Long#MIN_VALUE} if none was dropped
     */
    public synchronized long prunedThrough() {
        return this.prunedThrough;
    }

    /**
     * How many sessions the index holds.
     * @return the count
     */
    public synchronized int size() {
        return this.byLast.size();
    }
}
