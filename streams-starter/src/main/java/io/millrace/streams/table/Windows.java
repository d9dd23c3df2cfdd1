package io.millrace.streams.table;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a windowed table cuts time: tumbling windows ({@code size}) or hopping windows ({@code size} every
 * {@code advance}), aligned to the epoch; a {@code grace} for records out of order; a {@code retention} for closed
 * windows, which stay readable that long before their segments are dropped.
 *
 * <p>A window {@code [start, end)} closes when the stream time of its partition (the largest event time seen there)
 * reaches {@code end + grace}. A record whose windows are all closed is late: dead-lettered with reason
 * {@code LATE}, or dropped if {@link #dropLate()}; either way counted.
 *
 * <p>A partition that gets no record keeps its stream time, so its last windows stay open until a record comes.
 * With {@link #idleAfter()} set, a partition that had no record for that long (on the stream's clock) lets its
 * stream time follow the wall clock instead, and its windows close anyway. That assumes event time tracks the wall
 * clock, and makes results depend on timing (a record delayed past the idle time is late): off by default.
 *
 * @param size the length of a window
 * @param advance how far consecutive windows start apart: {@code size} for tumbling windows
 * @param grace how long after its end a window still takes records
 * @param retention how long, in stream time from its start, a window is kept ({@code size + grace} at least)
 * @param dropLate whether late records are dropped instead of dead-lettered
 * @param idleAfter how long a partition without records waits before its stream time follows the wall clock,
 * {@code null} for never (the default)
 */
public record Windows(Duration size, Duration advance, Duration grace, Duration retention, boolean dropLate,
        Duration idleAfter) {

    /** The retention of a table that sets none, unless its windows need longer. */
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);

    /** The most windows one read enumerates ({@link WindowedTable#fetch}). */
    public static final int MAX_WINDOWS_PER_FETCH = 100_000;

    public Windows {
        Objects.requireNonNull(size, "size");
        advance = (advance != null) ? advance : size;
        grace = (grace != null) ? grace : Duration.ZERO;
        if (size.toMillis() <= 0) {
            throw new IllegalArgumentException("a window's size must be at least 1 ms, not " + size);
        }
        if (advance.toMillis() <= 0 || advance.compareTo(size) > 0) {
            throw new IllegalArgumentException("a window's advance must be between 1 ms and its size (" + size
                    + "), not " + advance);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("a window's grace cannot be negative: " + grace);
        }
        Duration least = size.plus(grace);
        if (retention == null) {
            retention = (least.compareTo(DEFAULT_RETENTION) > 0) ? least : DEFAULT_RETENTION;
        }
        else if (retention.compareTo(least) < 0) {
            throw new IllegalArgumentException("a window's retention (" + retention
                    + ") must cover its size plus its grace (" + least + ")");
        }
        if (idleAfter != null && idleAfter.toMillis() <= 0) {
            throw new IllegalArgumentException("a window's idle-after must be at least 1 ms, not " + idleAfter);
        }
    }

    /**
     * Windows whose stream time never follows the wall clock.
     * @param size the length of a window
     * @param advance how far consecutive windows start apart, {@code null} for the size
     * @param grace how long after its end a window still takes records, {@code null} for none
     * @param retention how long from its start a window is kept, {@code null} for the default
     * @param dropLate whether late records are dropped instead of dead-lettered
     */
    public Windows(Duration size, Duration advance, Duration grace, Duration retention, boolean dropLate) {
        this(size, advance, grace, retention, dropLate, null);
    }

    /**
     * Tumbling windows: back to back, each event time in exactly one.
     * @param size the length of a window
     * @return the windows, without grace
     */
    public static Windows tumbling(Duration size) {
        return new Windows(size, size, Duration.ZERO, null, false, null);
    }

    /**
     * Hopping windows: overlapping, an event time falls in {@code size / advance} of them.
     * @param size the length of a window
     * @param advance how far consecutive windows start apart
     * @return the windows, without grace
     */
    public static Windows hopping(Duration size, Duration advance) {
        return new Windows(size, advance, Duration.ZERO, null, false, null);
    }

    /**
     * These windows with a grace for out-of-order records.
     * @param grace how long after its end a window still takes records
     * @return new windows
     */
    public Windows withGrace(Duration grace) {
        return new Windows(this.size, this.advance, grace, retentionOrNull(this.size, grace), this.dropLate,
                this.idleAfter);
    }

    /**
     * These windows kept longer, or shorter, after they close.
     * @param retention how long from its start a window is kept
     * @return new windows
     */
    public Windows withRetention(Duration retention) {
        return new Windows(this.size, this.advance, this.grace, retention, this.dropLate, this.idleAfter);
    }

    /**
     * These windows dropping late records instead of dead-lettering them (they are still counted).
     * @return new windows
     */
    public Windows droppingLate() {
        return new Windows(this.size, this.advance, this.grace, this.retention, true, this.idleAfter);
    }

    /**
     * These windows closing on the wall clock in partitions that went quiet: once a partition has had no record for
     * {@code idleAfter} (and has none in flight), its stream time becomes the later of itself and the clock's time,
     * and the windows that closes go out as if a record had closed them. Assumes event time tracks the wall clock;
     * results then depend on timing, not on the records alone.
     * @param idleAfter how long a partition waits without records, {@code null} for never
     * @return new windows
     */
    public Windows withIdleAfter(Duration idleAfter) {
        return new Windows(this.size, this.advance, this.grace, this.retention, this.dropLate, idleAfter);
    }

    private Duration retentionOrNull(Duration size, Duration grace) {
        // A retention too short for the new grace gives way to the default.
        return (this.retention.compareTo(size.plus(grace)) < 0) ? null : this.retention;
    }

    public long sizeMillis() {
        return this.size.toMillis();
    }

    public long advanceMillis() {
        return this.advance.toMillis();
    }

    public long graceMillis() {
        return this.grace.toMillis();
    }

    /**
     * How long a partition waits without records before its stream time follows the wall clock.
     * @return milliseconds, {@code -1} if it never does
     */
    public long idleAfterMillis() {
        return (this.idleAfter != null) ? this.idleAfter.toMillis() : -1;
    }

    public long retentionMillis() {
        return this.retention.toMillis();
    }

    /**
     * Whether windows overlap.
     * @return {@code advance < size}
     */
    public boolean hopping() {
        return this.advance.compareTo(this.size) < 0;
    }

    /**
     * The window that starts at a time.
     * @param start epoch milliseconds, aligned to the advance
     * @return the window
     */
    public Window window(long start) {
        return new Window(start, start + sizeMillis());
    }

    /**
     * Every window an event time falls in, oldest first.
     * @param eventTime epoch milliseconds
     * @return one window for tumbling windows, {@code size / advance} (rounded) for hopping ones
     */
    public List<Window> windowsFor(long eventTime) {
        long size = sizeMillis();
        long advance = advanceMillis();
        long last = lastWindowStart(eventTime);
        long first = firstWindowStart(eventTime);
        if (first == last) {
            return List.of(new Window(last, last + size));
        }
        List<Window> windows = new ArrayList<>((int) Math.min(64, size / advance + 1));
        for (long start = first; start <= last; start += advance) {
            windows.add(new Window(start, start + size));
        }
        return windows;
    }

    /**
     * The start of the newest window an event time falls in, without enumerating its windows.
     * @param eventTime epoch milliseconds
     * @return the start
     */
    public long lastWindowStart(long eventTime) {
        long advance = advanceMillis();
        return Math.floorDiv(eventTime, advance) * advance;
    }

    /**
     * The start of the oldest window an event time falls in, without enumerating its windows.
     * @param eventTime epoch milliseconds
     * @return the start: {@link #lastWindowStart(long)} for tumbling windows
     */
    public long firstWindowStart(long eventTime) {
        long size = sizeMillis();
        long advance = advanceMillis();
        long last = lastWindowStart(eventTime);
        if (advance == size) {
            return last;
        }
        // The oldest start s with s > eventTime - size, stepping back from the newest by whole advances.
        long steps = Math.floorDiv(last - (eventTime - size) - 1, advance);
        return last - steps * advance;
    }

    /**
     * The start of the newest window closed at a stream time: every window starting at or before it is closed.
     * @param streamTime the stream time of a partition, {@link Long#MIN_VALUE} before any record
     * @return the start, {@link Long#MIN_VALUE} if none is closed
     */
    public long lastClosedStart(long streamTime) {
        if (streamTime == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        long bound = streamTime - sizeMillis() - graceMillis();
        return Math.floorDiv(bound, advanceMillis()) * advanceMillis();
    }

    /**
     * How long the store keeps the windows of one time range together: its segments are dropped whole.
     * @return half the retention, at least 1 ms
     */
    public long segmentIntervalMillis() {
        return Math.max(1, retentionMillis() / 2);
    }
}
