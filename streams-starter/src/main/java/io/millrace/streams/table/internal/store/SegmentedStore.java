package io.millrace.streams.table.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.table.KeyValue;
import io.millrace.streams.table.WindowKeys;
import io.millrace.streams.table.Windows;

/**
 * The {@link KeyValueStore} of a windowed table: its windowed keys ({@link WindowKeys}) split by window start into
 * time segments of {@link Windows#segmentIntervalMillis()}, each its own store, so that expired windows go a whole
 * segment at a time, without a delete per key or a tombstone. Metadata keys (shorter than
 * {@value WindowKeys#START_BYTES} bytes) live in a store of their own and never expire.
 *
 * <p>Segment {@code id} holds the window starts {@code [id * interval, (id + 1) * interval)}. The store observes the
 * largest window start written; a window expires once that observed time reaches its start plus the retention, and a
 * segment is dropped (closed and deleted) as soon as its last start expired: when
 * {@code (id + 1) * interval - 1 <= observed - retention}. Writes of expired windows are skipped, so a restore from
 * the changelog does not bring them back. On disk: {@code <dir>/meta} and {@code <dir>/segment-<id>}, one RocksDB each,
 * beside the partition's checkpoint in {@code <dir>}.
 *
 * <p>Reads run concurrently with writes, as for any store. A reader of a segment being dropped sees it end, or gets
 * {@code null}: {@link KeyValueStore#close()} waits for operations in progress, so the segment's files are never freed
 * under a reader. A {@link #write batch} is atomic within each segment, not across them: a crash in between leaves
 * the store ahead of its checkpoint, which restoring from the checkpoint repairs.
 */
public final class SegmentedStore implements KeyValueStore {

    private static final Logger logger = LoggerFactory.getLogger(SegmentedStore.class);

    static final String META = "meta";

    static final String SEGMENT_PREFIX = "segment-";

    private final Path directory;

    private final long retention;

    private final long interval;

    private final Function<String, KeyValueStore> opener;

    private final KeyValueStore meta;

    private final ConcurrentSkipListMap<Long, KeyValueStore> segments = new ConcurrentSkipListMap<>();

    /** The largest window start written, {@link Long#MIN_VALUE} before any. Changed under {@code this}. */
    private volatile long observed = Long.MIN_VALUE;

    private volatile boolean closed;

    private SegmentedStore(Path directory, Windows windows, Function<String, KeyValueStore> opener) {
        this.directory = directory;
        this.retention = windows.retentionMillis();
        this.interval = windows.segmentIntervalMillis();
        this.opener = opener;
        this.meta = opener.apply(META);
    }

    /**
     * Opens a store of RocksDB segments in a directory, reopening the segments found there and dropping those
     * expired.
     * @param directory the partition's directory
     * @param table the table's name
     * @param windows the table's windows: retention and segment interval
     * @param resources the memory shared by all RocksDB stores
     * @return the open store
     * @throws StoreCorruptedException if a segment cannot be opened, or the directory holds a store that is not
     * segmented
     */
    public static SegmentedStore rocksDb(Path directory, String table, Windows windows, RocksDbResources resources) {
        if (Files.exists(directory.resolve("CURRENT"))) {
            // The table was not windowed before: its files and checkpoint do not fit.
            throw new StoreCorruptedException(directory,
                    new IllegalStateException("a store that is not segmented is in the way"));
        }
        return open(directory, windows, (name) -> RocksDbStore.open(directory.resolve(name), table, resources));
    }

    /**
     * A store of segments on the heap.
     * @param windows the table's windows: retention and segment interval
     * @return the empty store
     */
    public static SegmentedStore inMemory(Windows windows) {
        return open(null, windows, (name) -> new InMemoryStore());
    }

    /**
     * Opens a store of segments.
     * @param directory the parent of the segments' directories, {@code null} if they have none
     * @param windows the table's windows: retention and segment interval
     * @param opener opens the store of a name: {@value #META} or {@code segment-<id>}
     * @return the open store
     */
    static SegmentedStore open(Path directory, Windows windows, Function<String, KeyValueStore> opener) {
        SegmentedStore store = new SegmentedStore(directory, windows, opener);
        try {
            for (long id : existingSegments(directory)) {
                KeyValueStore segment = opener.apply(SEGMENT_PREFIX + id);
                store.segments.put(id, segment);
                byte[] last = segment.lastKey();
                if (last != null) {
                    // The largest start written, unless deleted since: then the expiry is a little late, never early.
                    store.observed = Math.max(store.observed, WindowKeys.start(last));
                }
            }
            store.dropExpired();
            return store;
        }
        catch (RuntimeException | Error ex) {
            store.close();
            throw ex;
        }
    }

    private static List<Long> existingSegments(Path directory) {
        List<Long> ids = new ArrayList<>();
        if (directory == null || !Files.isDirectory(directory)) {
            return ids;
        }
        try (Stream<Path> children = Files.list(directory)) {
            children.filter(Files::isDirectory).map((child) -> child.getFileName().toString())
                .filter((name) -> name.startsWith(SEGMENT_PREFIX)).forEach((name) -> {
                    try {
                        ids.add(Long.parseLong(name.substring(SEGMENT_PREFIX.length())));
                    }
                    catch (NumberFormatException ex) {
                        // Not one of ours: left alone.
                    }
                });
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not list the segments in " + directory, ex);
        }
        return ids;
    }

    @Override
    public byte[] get(byte[] key) {
        checkOpen();
        if (WindowKeys.isMeta(key)) {
            return this.meta.get(key);
        }
        long id = segmentId(WindowKeys.start(key));
        KeyValueStore segment = this.segments.get(id);
        if (segment == null) {
            return null;
        }
        try {
            return segment.get(key);
        }
        catch (IllegalStateException ex) {
            return ifDropped(id, segment, ex, null);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        Objects.requireNonNull(value, "value");
        write(List.of(new KeyValue(key, value)));
    }

    @Override
    public void delete(byte[] key) {
        Objects.requireNonNull(key, "key");
        write(List.of(new KeyValue(key, null)));
    }

    /**
     * Applies the batch's metadata writes, then its writes of each live segment in time order; the observed time
     * moves first, to the batch's largest window start, so that windows it expires are neither written nor kept.
     */
    @Override
    public void write(List<KeyValue> batch) {
        batch.forEach((write) -> Objects.requireNonNull(write, "write"));
        checkOpen();
        List<KeyValue> metaWrites = new ArrayList<>();
        NavigableMap<Long, List<KeyValue>> bySegment = new TreeMap<>();
        long latest = Long.MIN_VALUE;
        for (KeyValue write : batch) {
            if (WindowKeys.isMeta(write.key())) {
                metaWrites.add(write);
            }
            else {
                long start = WindowKeys.start(write.key());
                latest = Math.max(latest, start);
                bySegment.computeIfAbsent(segmentId(start), (id) -> new ArrayList<>()).add(write);
            }
        }
        observe(latest);
        if (!metaWrites.isEmpty()) {
            this.meta.write(metaWrites);
        }
        for (Map.Entry<Long, List<KeyValue>> writes : bySegment.entrySet()) {
            writeSegment(writes.getKey(), writes.getValue());
        }
    }

    private void writeSegment(long id, List<KeyValue> writes) {
        boolean puts = writes.stream().anyMatch((write) -> write.value() != null);
        // Deletes alone need no segment: there is nothing to delete in one that does not exist.
        KeyValueStore segment = puts ? liveSegment(id) : this.segments.get(id);
        if (segment == null) {
            return;
        }
        try {
            segment.write(writes);
        }
        catch (IllegalStateException ex) {
            ifDropped(id, segment, ex, null);
        }
    }

    /** The segment to write, created if needed; {@code null} if expired. */
    private KeyValueStore liveSegment(long id) {
        KeyValueStore segment = this.segments.get(id);
        if (segment != null) {
            return segment;
        }
        synchronized (this) {
            checkOpen();
            if (expired(id)) {
                return null;
            }
            return this.segments.computeIfAbsent(id, (created) -> this.opener.apply(SEGMENT_PREFIX + created));
        }
    }

    /** Moves the observed time forward to a window start, dropping the segments it expires. */
    private void observe(long start) {
        if (start > this.observed) {
            synchronized (this) {
                if (start > this.observed) {
                    this.observed = start;
                    dropExpired();
                }
            }
        }
    }

    /** Drops every expired segment, oldest first. Called under {@code this}, or while opening. */
    private void dropExpired() {
        Map.Entry<Long, KeyValueStore> oldest = this.segments.firstEntry();
        while (oldest != null && expired(oldest.getKey())) {
            this.segments.remove(oldest.getKey());
            try {
                oldest.getValue().destroy();
            }
            catch (UncheckedIOException ex) {
                // Closed, its files partly deleted: the next open finds them expired, or corrupt, and drops them.
                logger.warn("Could not delete expired segment {} of {}: {}", oldest.getKey(), this, ex.toString());
            }
            oldest = this.segments.firstEntry();
        }
    }

    /**
     * Whether every window start of a segment has expired: its last start is at or before the observed time minus
     * the retention.
     * @param id the segment
     * @return {@code true} if the segment is to be dropped
     */
    boolean expired(long id) {
        long observed = this.observed;
        if (observed < Long.MIN_VALUE + this.retention) {
            // Nothing written yet, or the retention reaches back beyond the first representable start.
            return false;
        }
        return lastStart(id) <= observed - this.retention;
    }

    long segmentId(long start) {
        return Math.floorDiv(start, this.interval);
    }

    /** The last window start of a segment: {@code (id + 1) * interval - 1}, or the largest long for the last one. */
    private long lastStart(long id) {
        try {
            return Math.multiplyExact(Math.incrementExact(id), this.interval) - 1;
        }
        catch (ArithmeticException ex) {
            return Long.MAX_VALUE;
        }
    }

    /** A segment failed as closed: if it was dropped meanwhile its windows expired, otherwise the store closed. */
    private <T> T ifDropped(long id, KeyValueStore segment, IllegalStateException ex, T expired) {
        if (this.closed || this.segments.get(id) == segment) {
            throw ex;
        }
        return expired;
    }

    @Override
    public KeyValueIterator all() {
        checkOpen();
        return new SegmentedIterator(this.meta.all(), this.segments.values().iterator(), KeyValueStore::all,
                this::closedStore);
    }

    @Override
    public KeyValueIterator range(byte[] from, byte[] to) {
        Objects.requireNonNull(from, "from");
        checkOpen();
        long first = segmentId(WindowKeys.start(padded(from)));
        long last = (to != null) ? segmentId(WindowKeys.start(padded(to))) : Long.MAX_VALUE;
        Map<Long, KeyValueStore> overlapping = (first <= last) ? this.segments.subMap(first, true, last, true)
                : Map.of();
        return new SegmentedIterator(this.meta.range(from, to), overlapping.values().iterator(),
                (segment) -> segment.range(from, to), this::closedStore);
    }

    /**
     * A bound as {@value WindowKeys#START_BYTES} bytes at least: every windowed key at or above a bound starts at or
     * after its padded start, every one below it at or before.
     */
    private static byte[] padded(byte[] bound) {
        return (bound.length >= WindowKeys.START_BYTES) ? bound : Arrays.copyOf(bound, WindowKeys.START_BYTES);
    }

    private boolean closedStore() {
        return this.closed;
    }

    @Override
    public long approximateCount() {
        checkOpen();
        long count = this.meta.approximateCount();
        for (Map.Entry<Long, KeyValueStore> segment : this.segments.entrySet()) {
            try {
                count += segment.getValue().approximateCount();
            }
            catch (IllegalStateException ex) {
                ifDropped(segment.getKey(), segment.getValue(), ex, null);
            }
        }
        return count;
    }

    @Override
    public void flush() {
        checkOpen();
        this.meta.flush();
        for (Map.Entry<Long, KeyValueStore> segment : this.segments.entrySet()) {
            try {
                segment.getValue().flush();
            }
            catch (IllegalStateException ex) {
                ifDropped(segment.getKey(), segment.getValue(), ex, null);
            }
        }
    }

    @Override
    public int segments() {
        checkOpen();
        return this.segments.size();
    }

    /** The size of the metadata and of every segment: their table files and write-ahead logs. */
    @Override
    public long sizeOnDisk() {
        checkOpen();
        long size = this.meta.sizeOnDisk();
        for (Map.Entry<Long, KeyValueStore> segment : this.segments.entrySet()) {
            try {
                size += segment.getValue().sizeOnDisk();
            }
            catch (IllegalStateException ex) {
                ifDropped(segment.getKey(), segment.getValue(), ex, null);
            }
        }
        return size;
    }

    /**
     * The largest window start written, as far as the store knows after a reopen (the last key it holds).
     * @return the observed time, {@link Long#MIN_VALUE} if none
     */
    public long observedTime() {
        return this.observed;
    }

    @Override
    public byte[] lastKey() {
        checkOpen();
        byte[] meta = this.meta.lastKey();
        for (Map.Entry<Long, KeyValueStore> segment : this.segments.descendingMap().entrySet()) {
            try {
                byte[] last = segment.getValue().lastKey();
                if (last != null) {
                    return (meta != null && Arrays.compareUnsigned(meta, last) > 0) ? meta : last;
                }
            }
            catch (IllegalStateException ex) {
                ifDropped(segment.getKey(), segment.getValue(), ex, null);
            }
        }
        return meta;
    }

    @Override
    public synchronized void close() {
        if (this.closed) {
            return;
        }
        this.closed = true;
        this.segments.values().forEach(KeyValueStore::close);
        this.meta.close();
    }

    /** Closes the store and deletes its segments, its metadata and the whole directory, checkpoint included. */
    @Override
    public synchronized void destroy() {
        close();
        this.segments.values().forEach(KeyValueStore::destroy);
        this.segments.clear();
        this.meta.destroy();
        if (this.directory != null) {
            StateDirectory.wipe(this.directory);
        }
    }

    /**
     * The parent of the segments' directories, where the partition's checkpoint lives.
     * @return the directory, {@code null} in memory
     */
    @Override
    public Path directory() {
        return this.directory;
    }

    @Override
    public String toString() {
        return "SegmentedStore[" + ((this.directory != null) ? this.directory : "memory") + ", " + this.segments.size()
                + " segment(s), retention " + this.retention + " ms]";
    }

    private void checkOpen() {
        if (this.closed) {
            throw new IllegalStateException("Store " + this + " is closed");
        }
    }
}
