package io.millrace.streams.bench;

import java.time.Duration;

/**
 * What a stream held while its output was stalled, and whether everything arrived once it was released.
 *
 * @param records input records
 * @param recordBytes average input value size
 * @param workers the stream's workers
 * @param maxInFlight the stream's {@code max-in-flight}
 * @param maxPollRecords records per poll
 * @param maxHeld the most records consumed and not yet processed at any time during the stall
 * @param liveGrowth live heap (after a full collection) at the end of the stall, over the baseline
 * @param heap the heap figures of the stall
 * @param stalledFor how long the stall lasted
 * @param processed records processed once released
 * @param produced output records acknowledged once released
 * @param drain from the release to the last record processed
 */
record StallResult(long records, long recordBytes, int workers, int maxInFlight, int maxPollRecords, long maxHeld,
        long liveGrowth, HeapMonitor.HeapFigures heap, Duration stalledFor, long processed, long produced,
        Duration drain) {

    /**
     * The most the stream may hold by its settings: the pipeline's bound plus one poll's records waiting in the
     * loop's buffer.
     * @return records
     */
    long bound() {
        return (long) this.maxInFlight + this.maxPollRecords;
    }

    /**
     * Whether the stream held no more than its bound.
     * @return whether it did
     */
    boolean bounded() {
        return this.maxHeld <= bound();
    }

    /**
     * Whether every record arrived after the release.
     * @return whether it did
     */
    boolean complete() {
        return this.processed == this.records && this.produced == this.records;
    }
}
