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
 */
public record TablePartitionView(String table, int partition, TablePartition.Role role, long restored,
        long remaining, long restoreStart, long restoreEnd, long changelogPosition, long written, long checkpoint) {
}
