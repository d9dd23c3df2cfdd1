package io.millrace.streams.table;

/**
 * One table partition as the endpoint, health and metrics see it.
 *
 * @param table the table
 * @param partition the partition
 * @param role restoring, active or standby
 * @param restored changelog records applied by the current (or last) restore or standby catch-up
 * @param remaining changelog records left to restore, {@code 0} unless restoring
 * @param restoreStart the changelog offset the last restore started from (the checkpoint)
 * @param restoreEnd the changelog end offset the last restore aimed for, {@code -1} before any
 * @param changelogPosition the changelog offset the store reflects
 * @param written writes of processed records since the partition was opened
 * @param checkpoint the last checkpoint written, {@code -1} if none (or a memory store)
 * @param windows the windows of a windowed table's partition, {@code null} for a plain table
 */
public record TablePartitionView(String table, int partition, TablePartition.Role role, long restored,
        long remaining, long restoreStart, long restoreEnd, long changelogPosition, long written, long checkpoint,
        WindowsView windows) {

    /**
     * A plain table's partition.
     */
    public TablePartitionView(String table, int partition, TablePartition.Role role, long restored, long remaining,
            long restoreStart, long restoreEnd, long changelogPosition, long written, long checkpoint) {
        this(table, partition, role, restored, remaining, restoreStart, restoreEnd, changelogPosition, written,
                checkpoint, null);
    }

    /**
     * The windows of one partition of a windowed table.
     *
     * @param streamTime the largest event time seen, {@code null} before any record
     * @param lastClosedStart the start of the newest closed window, {@code null} if none closed
     * @param open windows with a value not yet closed
     * @param closed windows closed since the partition was opened here
     * @param late records dead-lettered because their windows were closed
     * @param droppedLate records dropped because their windows were closed
     * @param segments the store's time segments
     * @param diskBytes the store's size on disk, {@code 0} in memory
     */
    public record WindowsView(Long streamTime, Long lastClosedStart, long open, long closed, long late,
            long droppedLate, int segments, long diskBytes) {
    }
}
