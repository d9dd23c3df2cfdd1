package io.millrace.streams.table;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.millrace.streams.schema.Schema;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.table.internal.StoredTablePartition;
import io.millrace.streams.table.internal.store.InMemoryStore;
import io.millrace.streams.table.internal.store.KeyValueStore;

/**
 * Table partitions in memory for the unit tests of the table classes: a {@link Tables} over hand-made
 * {@link TablePartition}s, and a schema of {@code Long} counts.
 */
public final class TestTables implements Tables {

    /** Longs as decimal UTF-8 text, like the word counts' changelog. */
    public static final Schema<Long> LONGS = new Schema<>() {

        @Override
        public Class<Long> type() {
            return Long.class;
        }

        @Override
        public Long decode(byte[] data) {
            return Long.valueOf(new String(data, StandardCharsets.UTF_8));
        }

        @Override
        public byte[] encode(Long value) {
            return value.toString().getBytes(StandardCharsets.UTF_8);
        }
    };

    /** {@code counts}: string keys, long values. */
    public static final TableDefinition<String, Long> COUNTS = TableDefinition.of("counts", Schemas.string(), LONGS);

    private final Map<String, TableDefinition<?, ?>> definitions = new LinkedHashMap<>();

    private final Map<String, StoredTablePartition> partitions = new LinkedHashMap<>();

    private final boolean exactlyOnce;

    /**
     * Tables whose partitions are made on first use, in memory.
     * @param exactlyOnce whether writes wait for a commit
     * @param definitions the tables
     */
    public TestTables(boolean exactlyOnce, TableDefinition<?, ?>... definitions) {
        this.exactlyOnce = exactlyOnce;
        for (TableDefinition<?, ?> definition : definitions) {
            this.definitions.put(definition.name(), definition);
        }
    }

    @Override
    public TableDefinition<?, ?> definition(String name) {
        return this.definitions.get(name);
    }

    @Override
    public java.util.Collection<TableDefinition<?, ?>> definitions() {
        return this.definitions.values();
    }

    @Override
    public synchronized StoredTablePartition partition(String table, int partition) {
        TableDefinition<?, ?> definition = this.definitions.get(table);
        if (definition == null) {
            throw new IllegalArgumentException("no table '" + table + "'");
        }
        return this.partitions.computeIfAbsent(table + "-" + partition, (key) -> {
            StoredTablePartition created = new StoredTablePartition(definition, "app-" + table + "-changelog", partition,
                    new InMemoryStore(), 0, this.exactlyOnce);
            created.role(TablePartition.Role.ACTIVE);
            return created;
        });
    }

    /**
     * The store of a partition, to look at what is committed without the partition's own overlay.
     * @param table the table
     * @param partition the partition
     * @return the store
     */
    public KeyValueStore store(String table, int partition) {
        return partition(table, partition).store();
    }

    /**
     * A UTF-8 string.
     * @param text the text
     * @return its bytes, {@code null} for {@code null}
     */
    public static byte[] utf8(String text) {
        return (text != null) ? text.getBytes(StandardCharsets.UTF_8) : null;
    }

    /**
     * Bytes as UTF-8 text.
     * @param bytes the bytes
     * @return the text, {@code null} for {@code null}
     */
    public static String text(byte[] bytes) {
        return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
    }
}
