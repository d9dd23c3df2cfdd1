package io.millrace.streams.table;

import java.util.Objects;

import io.millrace.streams.schema.Schema;

/**
 * A table of one stream: its name, how its keys and values are encoded, and where it is stored. The changelog topic
 * is {@code <application-id>-<name>-changelog}, so table names are unique within an application.
 *
 * @param name the table name
 * @param keySchema encodes the keys
 * @param valueSchema encodes the values
 * @param store the store kind, or {@code null} for {@code millrace.tables.store}
 * @param windows how a windowed table cuts time, or {@code null} for a plain key-value table
 * @param <K> the key type
 * @param <V> the value type
 */
public record TableDefinition<K, V>(String name, Schema<K> keySchema, Schema<V> valueSchema, StoreType store,
        Windows windows) {

    /**
     * A plain key-value table.
     */
    public TableDefinition(String name, Schema<K> keySchema, Schema<V> valueSchema, StoreType store) {
        this(name, keySchema, valueSchema, store, null);
    }

    public TableDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySchema, "keySchema");
        Objects.requireNonNull(valueSchema, "valueSchema");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a table needs a name");
        }
    }

    /**
     * A table in the application's default store.
     * @param name the table name
     * @param keySchema encodes the keys
     * @param valueSchema encodes the values
     * @param <K> the key type
     * @param <V> the value type
     * @return the definition
     */
    public static <K, V> TableDefinition<K, V> of(String name, Schema<K> keySchema, Schema<V> valueSchema) {
        return new TableDefinition<>(name, keySchema, valueSchema, null);
    }

    /**
     * This table in another store.
     * @param store the store kind
     * @return a new definition
     */
    public TableDefinition<K, V> withStore(StoreType store) {
        return new TableDefinition<>(this.name, this.keySchema, this.valueSchema, store, this.windows);
    }

    /**
     * This table windowed: processors reach it with {@code context.windowedTable(name)}.
     * @param windows how it cuts time
     * @return a new definition
     */
    public TableDefinition<K, V> withWindows(Windows windows) {
        return new TableDefinition<>(this.name, this.keySchema, this.valueSchema, this.store, windows);
    }

    /**
     * Whether this is a windowed table.
     * @return {@code true} if it has windows
     */
    public boolean windowed() {
        return this.windows != null;
    }

    /**
     * The changelog topic of this table.
     * @param applicationId the application id
     * @return {@code <application-id>-<name>-changelog}
     */
    public String changelogTopic(String applicationId) {
        return applicationId + "-" + this.name + "-changelog";
    }

    /** Where a table partition keeps its entries. */
    public enum StoreType {
        /** RocksDB under {@code millrace.state-dir}, with a checkpoint: a restart restores only the changelog's tail. */
        ROCKSDB,
        /** The heap: every assignment restores the whole partition from the changelog. */
        MEMORY
    }
}
