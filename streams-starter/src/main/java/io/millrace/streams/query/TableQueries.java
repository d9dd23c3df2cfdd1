package io.millrace.streams.query;

import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.table.TableDefinition;

/**
 * Reads the tables of this instance's streams from any thread: a key's value, a range of keys in key order, a key's
 * windows. Only the partitions this instance owns answer (or keeps as standbys, for reads that accept stale
 * values); the others fail with {@link QueryUnavailableException}, which names their owner when queries are on
 * ({@code millrace.queries.enabled}). To read any partition from any instance, use the HTTP queries, which forward to
 * the owner.
 *
 * <pre>{@code
 * QueryableTable<String, Long> counts = queries.table("word-count", "word-counts", String.class, Long.class);
 * Optional<Long> count = counts.get("millrace");
 * }</pre>
 */
public final class TableQueries {

    private final StreamManager manager;

    /**
     * Creates the queries of a manager's streams.
     * @param manager the running streams
     */
    public TableQueries(StreamManager manager) {
        this.manager = manager;
    }

    /**
     * A table of a stream.
     * @param stream the stream
     * @param table the table
     * @param keyType the type of its keys, as its key schema decodes them
     * @param valueType the type of its values, as its value schema decodes them
     * @param <K> the key type
     * @param <V> the value type
     * @return the table
     * @throws NoSuchTableException if there is no such stream or table
     * @throws IllegalArgumentException if the types are not the table's
     */
    public <K, V> QueryableTable<K, V> table(String stream, String table, Class<K> keyType, Class<V> valueType) {
        TableReads reads = TableReads.of(this.manager, stream, table);
        TableDefinition<?, ?> definition = reads.definition();
        check(keyType, definition.keySchema().type(), "key", definition.name());
        check(valueType, definition.valueSchema().type(), "value", definition.name());
        @SuppressWarnings("unchecked")
        TableDefinition<K, V> typed = (TableDefinition<K, V>) definition;
        return new QueryableTable<>(reads, typed);
    }

    private static void check(Class<?> asked, Class<?> actual, String what, String table) {
        if (!asked.isAssignableFrom(actual)) {
            throw new IllegalArgumentException("Table '" + table + "' has " + what + "s of type " + actual.getName()
                    + ", not " + asked.getName());
        }
    }
}
