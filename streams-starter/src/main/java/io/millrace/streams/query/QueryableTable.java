package io.millrace.streams.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.millrace.streams.runtime.PartitionOwners;
import io.millrace.streams.table.KeyValue;
import io.millrace.streams.table.LocalTables;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.Window;
import io.millrace.streams.table.Windowed;

/**
 * One table of a stream, read in this instance (see {@link TableQueries}). Thread-safe; every method reads the
 * store anew, and no iterator outlives a call.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class QueryableTable<K, V> {

    private final TableReads reads;

    private final TableDefinition<K, V> definition;

    QueryableTable(TableReads reads, TableDefinition<K, V> definition) {
        this.reads = reads;
        this.definition = definition;
    }

    /**
     * The partition that holds a key: the one Kafka's default partitioner gives its encoded bytes.
     * @param key the key
     * @return the partition
     * @throws QueryUnavailableException if the stream does not run here (its partitions are not known)
     */
    public int partitionOf(K key) {
        return this.reads.partitionOf(encodeKey(key), this.reads.owners());
    }

    /**
     * Which instance owns each partition of the table, and which keep standbys, as the last assignment said.
     * @return the owners (their URLs are known only with {@code millrace.queries.enabled})
     */
    public PartitionOwners owners() {
        return this.reads.owners();
    }

    /**
     * A key's current value, from the partition's owner.
     * @param key the key
     * @return the value, empty if the key is absent
     * @throws QueryUnavailableException if this instance does not own the key's partition or it is restoring
     */
    public Optional<V> get(K key) {
        return get(key, ReadFrom.ACTIVE);
    }

    /**
     * A key's value.
     * @param key the key
     * @param from which copies may answer
     * @return the value, empty if the key is absent
     * @throws QueryUnavailableException if no copy this instance has may answer
     */
    public Optional<V> get(K key, ReadFrom from) {
        requirePlain();
        byte[] encoded = encodeKey(key);
        byte[] value = this.reads.get(this.reads.partitionOf(encoded, this.reads.owners()), encoded, from.standby());
        return Optional.ofNullable((value != null) ? this.definition.valueSchema().decode(value) : null);
    }

    /**
     * A key's windows that start in a time range, from the partition's owner, in time order.
     * @param key the key
     * @param from the earliest window start (epoch milliseconds), inclusive
     * @param to the latest window start, inclusive
     * @return the windows that hold a value
     * @throws QueryUnavailableException if this instance does not own the key's partition or it is restoring
     * @throws IllegalArgumentException if the table is not windowed, or the range spans more than 10,000 windows
     */
    public List<Windowed<K, V>> fetch(K key, long from, long to) {
        return fetch(key, from, to, ReadFrom.ACTIVE);
    }

    /**
     * A key's windows that start in a time range, in time order.
     * @param key the key
     * @param from the earliest window start (epoch milliseconds), inclusive
     * @param to the latest window start, inclusive
     * @param readFrom which copies may answer
     * @return the windows that hold a value
     */
    public List<Windowed<K, V>> fetch(K key, long from, long to, ReadFrom readFrom) {
        if (!this.definition.windowed()) {
            throw new IllegalArgumentException("Table '" + this.definition.name() + "' is not windowed");
        }
        byte[] encoded = encodeKey(key);
        int partition = this.reads.partitionOf(encoded, this.reads.owners());
        List<Windowed<K, V>> found = new ArrayList<>();
        for (TableReads.WindowValue window : this.reads.windows(partition, encoded, from, to, readFrom.standby())) {
            found.add(new Windowed<>(key, new Window(window.start(), window.end()),
                    this.definition.valueSchema().decode(window.value())));
        }
        return found;
    }

    /**
     * Up to {@code limit} entries of this instance's partitions of a plain table, in the order of their encoded keys
     * (for text keys: UTF-8 byte order), after a key.
     * @param after the key to start after, {@code null} for the first
     * @param limit the most entries, at least 1
     * @param from which copies may answer: the partitions this instance owns, or those it keeps as standbys too
     * @return the entries
     */
    public List<Map.Entry<K, V>> scan(K after, int limit, ReadFrom from) {
        return read((after != null) ? LocalTables.after(encodeKey(after)) : null, null, limit, from);
    }

    /**
     * Up to {@code limit} entries of this instance's partitions of a plain table whose keys are in a range, in the
     * order of their encoded keys (for text keys: UTF-8 byte order).
     * @param from the first key, inclusive, {@code null} for the lowest
     * @param to the key to stop before, {@code null} for the end
     * @param limit the most entries, at least 1
     * @param readFrom which copies may answer: the partitions this instance owns, or those it keeps as standbys too
     * @return the entries
     */
    public List<Map.Entry<K, V>> range(K from, K to, int limit, ReadFrom readFrom) {
        return read((from != null) ? encodeKey(from) : null, (to != null) ? encodeKey(to) : null, limit, readFrom);
    }

    private List<Map.Entry<K, V>> read(byte[] from, byte[] to, int limit, ReadFrom readFrom) {
        requirePlain();
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        TableReads.Page page = this.reads.scan(this.reads.localPartitions(readFrom.standby()), from, to, limit,
                readFrom.standby());
        List<Map.Entry<K, V>> entries = new ArrayList<>(page.entries().size());
        for (KeyValue entry : page.entries()) {
            entries.add(Map.entry(this.definition.keySchema().decode(entry.key()),
                    this.definition.valueSchema().decode(entry.value())));
        }
        return entries;
    }

    private void requirePlain() {
        if (this.definition.windowed()) {
            throw new IllegalArgumentException("Table '" + this.definition.name()
                    + "' is windowed: fetch a key's windows");
        }
    }

    private byte[] encodeKey(K key) {
        if (key == null) {
            throw new IllegalArgumentException("A query needs a key");
        }
        byte[] encoded = this.definition.keySchema().encode(key);
        if (encoded.length > TableReads.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("A key of " + encoded.length + " bytes is longer than "
                    + TableReads.MAX_KEY_BYTES);
        }
        return encoded;
    }
}
