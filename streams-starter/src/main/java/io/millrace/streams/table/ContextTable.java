package io.millrace.streams.table;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.IntSupplier;

/**
 * A {@link Table} as a worker sees it: the partition of the record in hand, this record's writes over the committed
 * entries. One per worker and table.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ContextTable<K, V> implements Table<K, V> {

    private final TableDefinition<K, V> definition;

    private final Tables tables;

    private final TableWrites writes;

    private final IntSupplier partition;

    /**
     * Creates the view.
     * @param definition the table
     * @param tables the stream's tables in this instance
     * @param writes the worker's writes of the record in hand
     * @param partition the input partition of the record in hand, {@code -1} if none
     */
    public ContextTable(TableDefinition<K, V> definition, Tables tables, TableWrites writes, IntSupplier partition) {
        this.definition = definition;
        this.tables = tables;
        this.writes = writes;
        this.partition = partition;
    }

    private TablePartition current() {
        return current(this.tables, "Table '" + this.definition.name() + "'", this.definition, this.partition);
    }

    /**
     * The partition of a table that the record in hand reads and writes.
     * @param tables the stream's tables in this instance
     * @param what names the table in the message
     * @param definition the table
     * @param partition the input partition of the record in hand, {@code -1} if none
     * @return the partition
     * @throws IllegalStateException if no record is in hand
     */
    static TablePartition current(Tables tables, String what, TableDefinition<?, ?> definition,
            IntSupplier partition) {
        int current = partition.getAsInt();
        if (current < 0) {
            throw new IllegalStateException(what
                    + " is reachable only while a record is processed: it is partitioned like the input");
        }
        return tables.partition(definition.name(), current);
    }

    @Override
    public String name() {
        return this.definition.name();
    }

    @Override
    public int partition() {
        return this.partition.getAsInt();
    }

    @Override
    public V get(K key) {
        TablePartition table = current();
        byte[] encodedKey = encodeKey(key);
        byte[] value = this.writes.lookup(table, encodedKey);
        if (value == TableWrites.NOT_WRITTEN) {
            value = table.get(encodedKey);
        }
        return (value != null) ? this.definition.valueSchema().decode(value) : null;
    }

    @Override
    public void put(K key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("Table '" + name() + "' takes no null value; use delete");
        }
        this.writes.add(current(), encodeKey(key), this.definition.valueSchema().encode(value));
    }

    @Override
    public void delete(K key) {
        this.writes.add(current(), encodeKey(key), null);
    }

    @Override
    public void forEach(BiConsumer<? super K, ? super V> action) {
        TablePartition table = current();
        Map<TableWrites.ByteKey, byte[]> own = this.writes.of(table);
        if (own.isEmpty()) {
            table.forEach((key, value) -> action.accept(this.definition.keySchema().decode(key),
                    this.definition.valueSchema().decode(value)));
            return;
        }
        Map<byte[], byte[]> ownSorted = new TreeMap<>(java.util.Arrays::compareUnsigned);
        own.forEach((key, value) -> ownSorted.put(key.bytes(), value));
        table.forEach((key, value) -> {
            if (!own.containsKey(new TableWrites.ByteKey(key))) {
                ownSorted.put(key, value);
            }
        });
        ownSorted.forEach((key, value) -> {
            if (value != null) {
                action.accept(this.definition.keySchema().decode(key), this.definition.valueSchema().decode(value));
            }
        });
    }

    @Override
    public long approximateSize() {
        return current().approximateSize();
    }

    private byte[] encodeKey(K key) {
        if (key == null) {
            throw new IllegalArgumentException("Table '" + name() + "' takes no null key");
        }
        return this.definition.keySchema().encode(key);
    }
}
