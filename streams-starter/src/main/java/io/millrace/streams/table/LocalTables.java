package io.millrace.streams.table;

import java.util.List;
import java.util.Map;

/**
 * Read-only access to this instance's partitions of one stream's tables, for readers on other threads (queries).
 * Reads see what committed: under {@code exactly-once} never the open transaction's writes, which may abort. A read
 * answers only for a partition in the role it was asked for, checked before and after the read, so a partition that
 * restores, moves or closes meanwhile fails the read rather than answer from a store that is not current.
 */
public interface LocalTables {

    /**
     * The partitions of a table this instance has open, and their roles.
     * @param table the table
     * @return partition number to role, in partition order
     */
    Map<Integer, TablePartition.Role> roles(String table);

    /**
     * A key's value in one partition.
     * @param table the table
     * @param partition the partition
     * @param key the encoded key
     * @param standby whether a standby copy may answer (its value may be behind the owner's)
     * @return the encoded value, or {@code null} if the key is absent
     * @throws UnavailableException if the partition is not active here (nor standby when allowed)
     */
    byte[] read(String table, int partition, byte[] key, boolean standby);

    /**
     * Entries of one partition in key order (unsigned byte order of the encoded keys), in a key range.
     * @param table the table
     * @param partition the partition
     * @param from the first key, {@code null} for the lowest; {@link #after} starts after a key
     * @param to the key to stop before, {@code null} for the end
     * @param limit the most entries
     * @param standby whether a standby copy may answer
     * @return the entries
     * @throws UnavailableException if the partition is not active here (nor standby when allowed)
     */
    List<KeyValue> read(String table, int partition, byte[] from, byte[] to, int limit, boolean standby);

    /**
     * The lowest key after a key: where a range that starts after it starts.
     * @param key the key
     * @return the key followed by a zero byte
     */
    static byte[] after(byte[] key) {
        return java.util.Arrays.copyOf(key, key.length + 1);
    }

    /** A partition that cannot answer here now: not open, restoring, a standby when only the owner may answer, or closing. */
    final class UnavailableException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final TablePartition.Role role;

        /**
         * Creates the exception.
         * @param message what is unavailable and why
         * @param role the partition's role here, {@code null} if it is not open here
         */
        public UnavailableException(String message, TablePartition.Role role) {
            super(message);
            this.role = role;
        }

        /**
         * The partition's role in this instance.
         * @return the role, {@code null} if the partition is not open here
         */
        public TablePartition.Role role() {
            return this.role;
        }
    }
}
