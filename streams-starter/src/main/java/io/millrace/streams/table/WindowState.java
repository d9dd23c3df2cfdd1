package io.millrace.streams.table;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The time of one partition of a windowed table: its stream time (the largest event time of the records finished
 * there) and the newest window whose result went out, with counters for the endpoint and metrics.
 *
 * <p>Both times are also kept in the partition's metadata entry ({@link WindowKeys#META}), written to the changelog
 * with the record that closes windows, so they survive crashes and moves: under {@code exactly-once} in the same
 * transaction as the closed windows' results, so a result is neither lost nor repeated; under {@code at-least-once}
 * one closing behind, so a result whose send a crash interrupted is sent again rather than never.
 *
 * <p>Records of a partition are processed one at a time (windowed streams order their workers by partition); the
 * endpoint reads from any thread.
 */
public final class WindowState {

    private final boolean exactlyOnce;

    /** The windows of the table: its session windows' recent sessions are pruned as the stream time moves. */
    private final Windows windows;

    /** The recent sessions by key, for session windows; {@code null} otherwise. */
    private final SessionIndex sessions;

    private volatile long streamTime = Long.MIN_VALUE;

    private volatile long lastClosedStart = Long.MIN_VALUE;

    private final AtomicLong open = new AtomicLong();

    private final AtomicLong closed = new AtomicLong();

    private final AtomicLong late = new AtomicLong();

    private final AtomicLong droppedLate = new AtomicLong();

    /**
     * Creates the state of a partition that has seen no record.
     * @param exactlyOnce whether closed windows are marked in the same transaction as their results
     */
    public WindowState(boolean exactlyOnce) {
        this(exactlyOnce, null);
    }

    /**
     * Creates the state of a partition that has seen no record.
     * @param exactlyOnce whether closed windows are marked in the same transaction as their results
     * @param windows the table's windows, for session windows an index of their recent sessions
     */
    public WindowState(boolean exactlyOnce, Windows windows) {
        this.exactlyOnce = exactlyOnce;
        this.windows = windows;
        this.sessions = (windows != null && windows.session()) ? new SessionIndex() : null;
    }

    /**
     * The recent sessions of a table of session windows, by key.
     * @return the index, {@code null} for tumbling or hopping windows
     */
    public SessionIndex sessions() {
        return this.sessions;
    }

    /**
     * Takes the times from the partition's metadata entry (after a restore, or an aborted transaction).
     * @param meta the entry's value, {@code null} if none
     * @param openWindows the windows after the newest closed one
     */
    public void load(byte[] meta, long openWindows) {
        this.streamTime = WindowKeys.streamTime(meta);
        this.lastClosedStart = WindowKeys.lastClosedStart(meta);
        this.open.set(openWindows);
    }

    public long streamTime() {
        return this.streamTime;
    }

    /**
     * The start of the newest closed window: every window starting at or before it is closed. For session windows,
     * the last event time of the newest closed session: every session ending at or before it is closed.
     * @return epoch milliseconds, {@link Long#MIN_VALUE} if none
     */
    public long lastClosedStart() {
        return this.lastClosedStart;
    }

    /**
     * A record finished: the stream time moves to its event time if later, and the windows up to a start closed.
     * @param eventTime the record's event time
     * @param lastClosedStart the newest closed window now
     * @param closedWindows how many windows with a value closed
     */
    public void advance(long eventTime, long lastClosedStart, long closedWindows) {
        if (eventTime > this.streamTime) {
            this.streamTime = eventTime;
        }
        if (lastClosedStart > this.lastClosedStart) {
            this.lastClosedStart = lastClosedStart;
        }
        this.closed.addAndGet(closedWindows);
        this.open.addAndGet(-closedWindows);
        if (this.sessions != null) {
            this.sessions.prune(this.windows.unreachableSessions(this.streamTime));
        }
    }

    /**
     * The metadata entry to write with a record that closes windows.
     * @param streamTime the stream time after the record
     * @param previous the newest closed window before it
     * @param latest the newest closed window after it
     * @return the value of {@link WindowKeys#META}
     */
    public byte[] meta(long streamTime, long previous, long latest) {
        return WindowKeys.meta(streamTime, this.exactlyOnce ? latest : previous);
    }

    /** A finished record opened a window. */
    public void opened() {
        this.open.incrementAndGet();
    }

    /**
     * A finished record changed the number of open windows: a session opened ({@code +1}), or several merged.
     * @param windows the change
     */
    public void opened(long windows) {
        this.open.addAndGet(windows);
    }

    /** A record came for closed windows only and was dead-lettered. */
    public void late() {
        this.late.incrementAndGet();
    }

    /** A record came for closed windows only and was dropped. */
    public void droppedLate() {
        this.droppedLate.incrementAndGet();
    }

    public long openWindows() {
        return Math.max(0, this.open.get());
    }

    public long closedWindows() {
        return this.closed.get();
    }

    public long lateRecords() {
        return this.late.get();
    }

    public long droppedLateRecords() {
        return this.droppedLate.get();
    }
}
