package io.millrace.streams.table.internal.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.millrace.streams.table.KeyValue;
import io.millrace.streams.table.WindowKeys;
import io.millrace.streams.table.Windows;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link KeyValueStore} contract on a {@link SegmentedStore} (whose short keys are all metadata), then its
 * segments: routing by window start, key order across segments and metadata, the expiry boundary, writes of expired
 * windows, reopening. Windows: retention 100 ms, so segments of 50 ms.
 */
abstract class AbstractSegmentedStoreTests extends AbstractKeyValueStoreTests {

    static final Windows WINDOWS = Windows.tumbling(Duration.ofMillis(10)).withRetention(Duration.ofMillis(100));

    static final long RETENTION = 100;

    static final long INTERVAL = 50;

    /** Opens the store again, over the same data if it has any; the test closes the previous one first. */
    protected abstract SegmentedStore openSegmented();

    /** Whether a reopened store still has the data. */
    protected abstract boolean durable();

    @Override
    protected KeyValueStore createStore() {
        return openSegmented();
    }

    SegmentedStore segmented() {
        return (SegmentedStore) this.store;
    }

    @Test
    void theIntervalIsHalfTheRetention() {
        assertThat(WINDOWS.segmentIntervalMillis()).isEqualTo(INTERVAL);
        assertThat(WINDOWS.retentionMillis()).isEqualTo(RETENTION);
    }

    @Test
    void windowsGoToTheSegmentOfTheirStartAndMetadataToNone() {
        assertThat(this.store.segments()).isZero();
        this.store.put(WindowKeys.META, bytes("meta"));
        assertThat(this.store.segments()).isZero();
        putWindow(0, "a");
        putWindow(49, "a");
        assertThat(this.store.segments()).isEqualTo(1);
        putWindow(50, "a");
        assertThat(this.store.segments()).isEqualTo(2);
        putWindow(-1, "a");
        assertThat(this.store.segments()).isEqualTo(3);
        assertThat(segmented().segmentId(-1)).isEqualTo(-1);
        assertThat(segmented().segmentId(-50)).isEqualTo(-1);
        assertThat(segmented().segmentId(-51)).isEqualTo(-2);
        assertThat(this.store.get(window(49, "a"))).isEqualTo(value(49, "a"));
        assertThat(this.store.get(window(50, "a"))).isEqualTo(value(50, "a"));
        assertThat(this.store.get(window(-1, "a"))).isEqualTo(value(-1, "a"));
        assertThat(this.store.get(window(50, "b"))).isNull();
        assertThat(this.store.get(window(500, "a"))).as("no segment there").isNull();
        assertThat(this.store.get(WindowKeys.META)).isEqualTo(bytes("meta"));
        assertThat(this.store.approximateCount()).isEqualTo(5);
    }

    @Test
    void deletesAloneCreateNoSegment() {
        this.store.delete(window(120, "a"));
        this.store.write(List.of(new KeyValue(window(170, "a"), null)));
        assertThat(this.store.segments()).isZero();
    }

    @Test
    void allAndRangeReturnMetadataAndEverySegmentInKeyOrder() {
        List<KeyValue> written = new ArrayList<>();
        for (long start : new long[] { 59, -40, 0, 49, 50 }) {
            for (String key : new String[] { "b", "a" }) {
                written.add(new KeyValue(window(start, key), bytes(start + key)));
            }
        }
        written.add(new KeyValue(WindowKeys.META, bytes("meta")));
        written.add(new KeyValue(new byte[] { 1, 2 }, bytes("other meta")));
        this.store.write(written);
        assertThat(this.store.segments()).isEqualTo(3);
        List<KeyValue> sorted = new ArrayList<>(written);
        sorted.sort((left, right) -> java.util.Arrays.compareUnsigned(left.key(), right.key()));
        assertThat(sorted.get(0).key()).isEqualTo(WindowKeys.META);
        assertThat(entries()).containsExactlyElementsOf(sorted);

        assertThat(range(WindowKeys.bound(49), WindowKeys.bound(100))).containsExactly(entry(49, "a"), entry(49, "b"),
                entry(50, "a"), entry(50, "b"), entry(59, "a"), entry(59, "b"));
        assertThat(range(window(49, "b"), window(59, "b"))).containsExactly(entry(49, "b"), entry(50, "a"),
                entry(50, "b"), entry(59, "a"));
        assertThat(range(WindowKeys.bound(50), null)).containsExactly(entry(50, "a"), entry(50, "b"),
                entry(59, "a"), entry(59, "b"));
        assertThat(range(new byte[] { 0 }, WindowKeys.bound(0))).containsExactly(
                new KeyValue(WindowKeys.META, bytes("meta")), new KeyValue(new byte[] { 1, 2 }, bytes("other meta")),
                entry(-40, "a"), entry(-40, "b"));
        assertThat(range(WindowKeys.bound(100), WindowKeys.bound(0))).isEmpty();
    }

    @Test
    void metadataMergesWithWindowsInKeyOrderAtTheExtremesOfTime() {
        byte[] late = new byte[] { 1, 2 };
        this.store.write(List.of(new KeyValue(late, bytes("late meta")), new KeyValue(WindowKeys.META, bytes("meta")),
                entry(Long.MIN_VALUE + 5, "a")));
        // 00 < 00 00 00 00 00 00 00 05 61 < 01 02
        assertThat(entries()).containsExactly(new KeyValue(WindowKeys.META, bytes("meta")),
                entry(Long.MIN_VALUE + 5, "a"), new KeyValue(late, bytes("late meta")));
        assertThat(range(new byte[] { 0, 0 }, null)).containsExactly(entry(Long.MIN_VALUE + 5, "a"),
                new KeyValue(late, bytes("late meta")));
        assertThat(range(new byte[] { 0, 1 }, null)).containsExactly(new KeyValue(late, bytes("late meta")));
        assertThat(this.store.lastKey()).isEqualTo(late);
        putWindow(Long.MAX_VALUE, "a");
        assertThat(this.store.lastKey()).isEqualTo(window(Long.MAX_VALUE, "a"));
        assertThat(this.store.get(window(Long.MAX_VALUE, "a"))).isEqualTo(value(Long.MAX_VALUE, "a"));
        assertThat(this.store.get(window(Long.MIN_VALUE + 5, "a"))).as("expired long ago").isNull();
        assertThat(entries()).containsExactly(new KeyValue(WindowKeys.META, bytes("meta")),
                new KeyValue(late, bytes("late meta")), entry(Long.MAX_VALUE, "a"));
    }

    @Test
    void aSegmentIsDroppedWhenItsLastStartIsRetentionBehindTheObservedTime() {
        // Segment 0 holds starts 0..49: it expires when the observed time reaches 49 + 100.
        putWindow(0, "a");
        putWindow(49, "a");
        putWindow(148, "a");
        assertThat(segmented().observedTime()).isEqualTo(148);
        assertThat(this.store.get(window(0, "a"))).isEqualTo(value(0, "a"));
        assertThat(this.store.segments()).isEqualTo(2);

        putWindow(149, "a");
        assertThat(this.store.segments()).isEqualTo(1);
        assertThat(this.store.get(window(0, "a"))).isNull();
        assertThat(this.store.get(window(49, "a"))).isNull();
        assertThat(entries()).containsExactly(entry(148, "a"), entry(149, "a"));
    }

    @Test
    void writesOfExpiredWindowsAreSkippedAndMetadataNeverExpires() {
        this.store.put(WindowKeys.META, bytes("meta"));
        putWindow(1000, "a");
        // 1000 - 100 = 900: segment 17 (850..899) has expired, segment 18 (900..949) has not.
        putWindow(899, "a");
        this.store.write(List.of(entry(850, "b"),
                entry(900, "b")));
        assertThat(this.store.get(window(899, "a"))).isNull();
        assertThat(this.store.get(window(850, "b"))).isNull();
        assertThat(entries()).containsExactly(new KeyValue(WindowKeys.META, bytes("meta")), entry(900, "b"),
                entry(1000, "a"));
        assertThat(this.store.segments()).isEqualTo(2);
    }

    @Test
    void aBatchMovesTheObservedTimeFirstSoItsOwnExpiredWindowsAreNotWritten() {
        // As a restore replays a changelog: old windows first, then the newest.
        this.store.write(List.of(entry(0, "a"),
                entry(100, "a"), entry(150, "a")));
        assertThat(entries()).containsExactly(entry(100, "a"), entry(150, "a"));
        assertThat(this.store.segments()).isEqualTo(2);
    }

    @Test
    void reopeningKeepsTheLiveSegmentsAndTheObservedTime() {
        this.store.write(List.of(new KeyValue(WindowKeys.META, bytes("meta")),
                entry(0, "a"), entry(120, "a")));
        this.store.close();
        this.store = openSegmented();
        if (!durable()) {
            assertThat(entries()).isEmpty();
            return;
        }
        assertThat(segmented().observedTime()).isEqualTo(120);
        assertThat(entries()).containsExactly(new KeyValue(WindowKeys.META, bytes("meta")), entry(0, "a"),
                entry(120, "a"));
        // The reopened store still knows its time: a write of an expired window is skipped.
        putWindow(10, "b");
        assertThat(this.store.get(window(10, "b"))).isEqualTo(value(10, "b"));
        putWindow(19, "b");
        putWindow(150, "a");
        putWindow(20, "b");
        assertThat(this.store.get(window(20, "b"))).isNull();
        assertThat(entries()).containsExactly(new KeyValue(WindowKeys.META, bytes("meta")), entry(120, "a"),
                entry(150, "a"));
    }

    @Test
    void destroyDeletesEverySegmentAndTheMetadata() {
        this.store.write(List.of(new KeyValue(WindowKeys.META, bytes("meta")),
                entry(0, "a"), entry(60, "a")));
        this.store.destroy();
        this.store = openSegmented();
        assertThat(entries()).isEmpty();
        assertThat(this.store.segments()).isZero();
    }

    @Test
    void anIteratorWhoseSegmentIsDroppedUnderItSkipsToTheNextSegment() {
        putWindow(0, "a");
        putWindow(1, "b");
        putWindow(60, "c");
        try (KeyValueIterator entries = this.store.all()) {
            assertThat(entries.next()).isEqualTo(entry(0, "a"));
            putWindow(149, "d");
            assertThat(this.store.segments()).as("segment 0 dropped").isEqualTo(2);
            List<KeyValue> rest = new ArrayList<>();
            entries.forEachRemaining(rest::add);
            // Segment 0 may have been read ahead; a segment created since may be seen or not.
            assertThat(rest).contains(entry(60, "c")).doesNotContainNull().isSubsetOf(entry(1, "b"), entry(60, "c"),
                    entry(149, "d"));
        }
    }

    @Test
    void readsRaceTheDroppingOfTheirSegmentWithoutFailing() throws Exception {
        int rounds = 200;
        Thread reader = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try (KeyValueIterator entries = this.store.all()) {
                    entries.forEachRemaining((entry) -> {
                    });
                }
                catch (IllegalStateException ex) {
                    // Only when the test closes the store.
                    return;
                }
                this.store.get(window(0, "k"));
            }
        });
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        reader.setUncaughtExceptionHandler((thread, ex) -> failures.add(ex));
        reader.start();
        for (int round = 0; round < rounds; round++) {
            List<KeyValue> batch = new ArrayList<>();
            for (int key = 0; key < 20; key++) {
                batch.add(new KeyValue(window(round * 25L, "k" + key), bytes("v")));
            }
            this.store.write(batch);
        }
        reader.interrupt();
        reader.join(30_000);
        assertThat(failures).isEmpty();
        assertThat(this.store.segments()).isLessThanOrEqualTo(3);
    }

    @Test
    void aLongRunOfShortWindowsKeepsItsSegmentsAndItsSizeBounded() {
        // 10 ms windows of 500 keys each with 100-byte values, retention 100 ms: 10 s of stream time, half a million
        // writes, about 57 MB, in batches of one window's keys, as commits would write them.
        int windows = 1_000;
        int keys = 500;
        byte[] payload = new byte[100];
        int maxSegments = 0;
        long maxCount = 0;
        long maxDisk = 0;
        long maxSizeOnDisk = 0;
        long firstQuarterDisk = 0;
        long written = 0;
        for (int window = 0; window < windows; window++) {
            long start = window * 10L;
            List<KeyValue> batch = new ArrayList<>(keys + 1);
            for (int key = 0; key < keys; key++) {
                new java.util.Random(key).nextBytes(payload);
                batch.add(new KeyValue(window(start, "key-" + key), payload.clone()));
                written += batch.get(key).key().length + payload.length;
            }
            batch.add(new KeyValue(WindowKeys.META, WindowKeys.meta(start, start - 10)));
            this.store.write(batch);
            maxSegments = Math.max(maxSegments, this.store.segments());
            if (window % 50 == 49) {
                maxCount = Math.max(maxCount, this.store.approximateCount());
                maxDisk = Math.max(maxDisk, diskUsage());
                maxSizeOnDisk = Math.max(maxSizeOnDisk, this.store.sizeOnDisk());
                if (window < windows / 4) {
                    firstQuarterDisk = maxDisk;
                }
            }
        }
        System.out.printf("%s long run: %,d bytes written, at most %d segments, %,d entries, %,d bytes in the "
                + "directory (%,d after the first quarter), sizeOnDisk at most %,d, at the end %,d in %d segments%n",
                getClass().getSimpleName(), written, maxSegments, maxCount, maxDisk, firstQuarterDisk, maxSizeOnDisk,
                diskUsage(), this.store.segments());
        assertThat(maxSegments).isEqualTo(3);
        // Three segments of five windows: at most 15 windows of keys, plus the metadata (RocksDB estimates).
        assertThat(maxCount).isLessThanOrEqualTo(2 * (15L * keys + 1));
        assertThat(maxDisk).as("the directory stops growing once segments are dropped")
            .isLessThanOrEqualTo(Math.max(2 * firstQuarterDisk, 0)).isLessThan(written / 10);
        assertThat(entries()).hasSize(15 * keys + 1);
    }

    /** The bytes of the store's directory now, measured on disk. */
    long diskUsage() {
        return 0;
    }

    List<KeyValue> range(byte[] from, byte[] to) {
        List<KeyValue> entries = new ArrayList<>();
        try (KeyValueIterator iterator = this.store.range(from, to)) {
            iterator.forEachRemaining(entries::add);
        }
        return entries;
    }

    static byte[] window(long start, String key) {
        return WindowKeys.encode(start, bytes(key));
    }

    static KeyValue entry(long start, String key) {
        return new KeyValue(window(start, key), value(start, key));
    }

    static byte[] value(long start, String key) {
        return bytes(start + key);
    }

    void putWindow(long start, String key) {
        this.store.put(window(start, key), value(start, key));
    }
}
