package io.millrace.streams.table;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a windowed table cuts time: tumbling windows ({@code size}) or hopping windows ({@code size} every
 * {@code advance}), aligned to the epoch, or session windows ({@code gap}) that follow each key's activity; a
 * {@code grace} for records out of order; a {@code retention} for closed windows, which stay readable that long
 * before their segments are dropped.
 *
 * <p>A window {@code [start, end)} closes when the stream time of its partition (the largest event time seen there)
 * reaches {@code end + grace}. A record whose windows are all closed is late: dead-lettered with reason
 * {@code LATE}, or dropped if {@link #dropLate()}; either way counted.
 *
 * <p><b>Session windows</b> ({@link #session(Duration)}): a key's records whose event times lie at most {@code gap}
 * apart make one session, from its first event time to its last. A record at {@code t} joins every session of its
 * key that it comes within {@code gap} of ({@code start - gap <= t <= last + gap}), merging them into one; otherwise
 * it starts a session of its own. A session closes when the stream time reaches {@code last + gap + grace}: no
 * record that is not late can reach it any more. A record is late if its own session would be closed already
 * ({@code t + gap + grace <= stream time}), or if it comes within {@code gap} of a closed session (it would change a
 * result that went out). A session is a {@link Window} from its first event time to one past its last: the end is
 * exclusive, as for every window. Its retention counts from its last event time.
 *
 * <p>A partition that gets no record keeps its stream time, so its last windows stay open until a record comes.
 * With {@link #idleAfter()} set, a partition that had no record for that long (on the stream's clock) lets its
 * stream time follow the wall clock instead, and its windows close anyway. That assumes event time tracks the wall
 * clock, and makes results depend on timing (a record delayed past the idle time is late): off by default.
 *
 * @param size the length of a window, {@code null} for session windows
 * @param advance how far consecutive windows start apart: {@code size} for tumbling windows, {@code null} for
 * session windows
 * @param grace how long after its end a window still takes records
 * @param retention how long, in stream time from its start ({@code size + grace} at least), or from a session's last
 * event time ({@code gap + grace} at least), a window is kept
 * @param dropLate whether late records are dropped instead of dead-lettered
 * @param idleAfter how long a partition without records waits before its stream time follows the wall clock,
 * {@code null} for never (the default)
 * @param gap the inactivity gap of session windows, {@code null} for tumbling and hopping windows
 */
public record Windows(Duration size, Duration advance, Duration grace, Duration retention, boolean dropLate,
        Duration idleAfter, Duration gap) {

    /** The retention of a table that sets none, unless its windows need longer. */
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);

    /** The most windows one read enumerates ({@link WindowedTable#fetch}). */
    public static final int MAX_WINDOWS_PER_FETCH = 100_000;

    public Windows {
        grace = (grace != null) ? grace : Duration.ZERO;
        if (gap != null) {
            if (size != null || advance != null) {
                throw new IllegalArgumentException("session windows (gap " + gap + ") take no size or advance");
            }
            if (gap.toMillis() <= 0) {
                throw new IllegalArgumentException("a session window's gap must be at least 1 ms, not " + gap);
            }
        }
        else {
            Objects.requireNonNull(size, "size");
            advance = (advance != null) ? advance : size;
            if (size.toMillis() <= 0) {
                throw new IllegalArgumentException("a window's size must be at least 1 ms, not " + size);
            }
            if (advance.toMillis() <= 0 || advance.compareTo(size) > 0) {
                throw new IllegalArgumentException("a window's advance must be between 1 ms and its size (" + size
                        + "), not " + advance);
            }
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("a window's grace cannot be negative: " + grace);
        }
        Duration least = ((gap != null) ? gap : size).plus(grace);
        if (retention == null) {
            retention = (least.compareTo(DEFAULT_RETENTION) > 0) ? least : DEFAULT_RETENTION;
        }
        else if (retention.compareTo(least) < 0) {
            throw new IllegalArgumentException("a window's retention (" + retention + ") must cover its "
                    + ((gap != null) ? "gap" : "size") + " plus its grace (" + least + ")");
        }
        if (idleAfter != null && idleAfter.toMillis() <= 0) {
            throw new IllegalArgumentException("a window's idle-after must be at least 1 ms, not " + idleAfter);
        }
    }

    /**
     * Tumbling or hopping windows.
     * @param size the length of a window
     * @param advance how far consecutive windows start apart, {@code null} for the size
     * @param grace how long after its end a window still takes records, {@code null} for none
     * @param retention how long from its start a window is kept, {@code null} for the default
     * @param dropLate whether late records are dropped instead of dead-lettered
     * @param idleAfter how long a quiet partition waits before its stream time follows the wall clock, {@code null}
     * for never
     */
    public Windows(Duration size, Duration advance, Duration grace, Duration retention, boolean dropLate,
            Duration idleAfter) {
        this(size, advance, grace, retention, dropLate, idleAfter, null);
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
        this(size, advance, grace, retention, dropLate, null, null);
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
     * Session windows: a key's records at most {@code gap} apart in event time make one session; a session closes
     * once the stream time reaches its last event time plus the gap (plus the grace).
     * @param gap the inactivity gap
     * @return the windows, without grace
     */
    public static Windows session(Duration gap) {
        return new Windows(null, null, Duration.ZERO, null, false, null, gap);
    }

    /**
     * These windows with a grace for out-of-order records.
     * @param grace how long after its end a window still takes records
     * @return new windows
     */
    public Windows withGrace(Duration grace) {
        return new Windows(this.size, this.advance, grace, retentionOrNull(grace), this.dropLate, this.idleAfter,
                this.gap);
    }

    /**
     * These windows kept longer, or shorter, after they close.
     * @param retention how long from its start a window is kept
     * @return new windows
     */
    public Windows withRetention(Duration retention) {
        return new Windows(this.size, this.advance, this.grace, retention, this.dropLate, this.idleAfter, this.gap);
    }

    /**
     * These windows dropping late records instead of dead-lettering them (they are still counted).
     * @return new windows
     */
    public Windows droppingLate() {
        return new Windows(this.size, this.advance, this.grace, this.retention, true, this.idleAfter, this.gap);
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
        return new Windows(this.size, this.advance, this.grace, this.retention, this.dropLate, idleAfter, this.gap);
    }

    private Duration retentionOrNull(Duration grace) {
        // A retention too short for the new grace gives way to the default.
        Duration length = session() ? this.gap : this.size;
        return (this.retention.compareTo(length.plus(grace)) < 0) ? null : this.retention;
    }

    /**
     * Whether these are session windows.
     * @return {@code true} if they have a gap
     */
    public boolean session() {
        return this.gap != null;
    }

    public long sizeMillis() {
        return timeWindows("size").toMillis();
    }

    public long advanceMillis() {
        return timeWindows("advance").toMillis();
    }

    /**
     * The inactivity gap of session windows.
     * @return milliseconds
     * @throws IllegalStateException for tumbling or hopping windows
     */
    public long gapMillis() {
        if (this.gap == null) {
            throw new IllegalStateException("tumbling and hopping windows have no gap");
        }
        return this.gap.toMillis();
    }

    private Duration timeWindows(String what) {
        if (this.gap != null) {
            throw new IllegalStateException("session windows have no " + what);
        }
        return (what.equals("size")) ? this.size : this.advance;
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
        return !session() && this.advance.compareTo(this.size) < 0;
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
     * The start of the newest window closed at a stream time: every window starting at or before it is closed. For
     * session windows, the last event time of the newest session closed: every session whose last event time is at or
     * before it is closed ({@code streamTime - gap - grace}).
     * @param streamTime the stream time of a partition, {@link Long#MIN_VALUE} before any record
     * @return the start (the last event time of sessions), {@link Long#MIN_VALUE} if none is closed
     */
    public long lastClosedStart(long streamTime) {
        if (streamTime == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        if (session()) {
            return minus(streamTime, gapMillis() + graceMillis());
        }
        long bound = streamTime - sizeMillis() - graceMillis();
        return Math.floorDiv(bound, advanceMillis()) * advanceMillis();
    }

    /**
     * Session windows: the last event time at or before which sessions are no longer kept in memory to be found by
     * the records of their key ({@code streamTime - 2 * gap - grace}). A record that is not late comes within the gap
     * of no session that ends at or before it.
     * @param streamTime the stream time of a partition
     * @return the bound, {@link Long#MIN_VALUE} if every session may still be reached
     */
    public long unreachableSessions(long streamTime) {
        if (streamTime == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        return minus(streamTime, 2 * gapMillis() + graceMillis());
    }

    private static long minus(long time, long millis) {
        long result = time - millis;
        return (result > time) ? Long.MIN_VALUE : result;
    }

    /**
     * How long the store keeps the windows of one time range together: its segments are dropped whole.
     * @return half the retention, at least 1 ms
     */
    public long segmentIntervalMillis() {
        return Math.max(1, retentionMillis() / 2);
    }
}
