package io.millrace.streams.table;

/**
 * The tables of one stream in this instance, as its workers reach them.
 */
public interface Tables {

    /** A stream without tables. */
    Tables NONE = new Tables() {

        @Override
        public TableDefinition<?, ?> definition(String name) {
            return null;
        }

        @Override
        public TablePartition partition(String table, int partition) {
            throw new IllegalArgumentException("no table '" + table + "'");
        }

        @Override
        public java.util.Collection<TableDefinition<?, ?>> definitions() {
            return java.util.List.of();
        }
    };

    /**
     * Every table of the stream.
     * @return the definitions
     */
    java.util.Collection<TableDefinition<?, ?>> definitions();

    /**
     * A table's definition.
     * @param name the table
     * @return the definition, or {@code null} if the stream has no such table
     */
    TableDefinition<?, ?> definition(String name);

    /**
     * The active partition of a table.
     * @param table the table
     * @param partition the input partition of the record in hand
     * @return the partition
     * @throws IllegalStateException if this instance does not own the partition
     */
    TablePartition partition(String table, int partition);
}
