package io.millrace.streams.table.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.millrace.streams.table.KeyValue;
import io.millrace.streams.table.LocalTables;
import io.millrace.streams.table.TablePartition.Role;

/**
 * The partitions a {@link TableManager} has open, read by queries on other threads: a partition answers only in the
 * role asked for (active, or standby when allowed), checked before and after the read, so one that restores, moves
 * or closes meanwhile fails the read instead of answering from a store that is not current. Reads go through
 * {@link StoredTablePartition#readCommitted}, which never shows an open transaction's writes.
 */
final class PartitionReads implements LocalTables {

    /** The manager's open partitions: table name to partition number to partition. */
    private final Map<String, Map<Integer, StoredTablePartition>> open;

    PartitionReads(Map<String, Map<Integer, StoredTablePartition>> open) {
        this.open = open;
    }

    @Override
    public Map<Integer, Role> roles(String table) {
        Map<Integer, StoredTablePartition> partitions = this.open.get(table);
        Map<Integer, Role> roles = new java.util.TreeMap<>();
        if (partitions != null) {
            partitions.forEach((partition, opened) -> roles.put(partition, opened.role()));
        }
        return roles;
    }

    @Override
    public byte[] read(String table, int partition, byte[] key, boolean standby) {
        StoredTablePartition readable = readable(table, partition, standby);
        byte[] value = readOrUnavailable(readable, () -> readable.readCommitted(key));
        checkStill(readable, table, partition, standby);
        return value;
    }

    @Override
    public List<KeyValue> read(String table, int partition, byte[] from, byte[] to, int limit, boolean standby) {
        StoredTablePartition readable = readable(table, partition, standby);
        List<KeyValue> entries = readOrUnavailable(readable, () -> readable.readCommitted(from, to, limit));
        checkStill(readable, table, partition, standby);
        return entries;
    }

    private StoredTablePartition readable(String table, int partition, boolean standby) {
        Map<Integer, StoredTablePartition> partitions = this.open.get(table);
        StoredTablePartition found = (partitions != null) ? partitions.get(partition) : null;
        if (found == null) {
            throw new UnavailableException("Partition " + partition + " of table '" + table
                    + "' is not in this instance", null);
        }
        Role role = found.role();
        if (role != Role.ACTIVE && !(standby && role == Role.STANDBY)) {
            throw new UnavailableException("Partition " + partition + " of table '" + table + "' is "
                    + role.name().toLowerCase(java.util.Locale.ROOT) + " in this instance", role);
        }
        return found;
    }

    private static <T> T readOrUnavailable(StoredTablePartition readable, Supplier<T> read) {
        try {
            return read.get();
        }
        catch (IllegalStateException ex) {
            // The store closed under the read: the partition is leaving.
            throw new UnavailableException("Partition " + readable.partition() + " of table '"
                    + readable.definition().name() + "' is closing in this instance", null);
        }
    }

    /** A read answers only if the partition it read kept its role throughout (checked before and after). */
    private void checkStill(StoredTablePartition read, String table, int partition, boolean standby) {
        if (readable(table, partition, standby) != read) {
            throw new UnavailableException("Partition " + partition + " of table '" + table
                    + "' moved during the read", null);
        }
    }
}
