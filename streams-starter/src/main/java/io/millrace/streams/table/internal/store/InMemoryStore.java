package io.millrace.streams.table.internal.store;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;

import io.millrace.streams.table.KeyValue;

/**
 * A {@link KeyValueStore} on the heap, lost with the process: every assignment restores it from the changelog.
 *
 * <p>Arrays are copied in and out, so that callers cannot change the store behind its back, as with RocksDB. A
 * batch is applied in order but not isolated: a concurrent reader may see part of it.
 */
public final class InMemoryStore implements KeyValueStore {

    private final NavigableMap<byte[], byte[]> entries = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

    private volatile boolean closed;

    @Override
    public byte[] get(byte[] key) {
        checkOpen();
        byte[] value = this.entries.get(Objects.requireNonNull(key, "key"));
        return (value != null) ? value.clone() : null;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        checkOpen();
        this.entries.put(key.clone(), value.clone());
    }

    @Override
    public void delete(byte[] key) {
        Objects.requireNonNull(key, "key");
        checkOpen();
        this.entries.remove(key);
    }

    @Override
    public void write(List<KeyValue> batch) {
        // Checked first so that a bad element cannot leave the batch half applied.
        batch.forEach((write) -> Objects.requireNonNull(write, "write"));
        checkOpen();
        for (KeyValue write : batch) {
            if (write.value() != null) {
                this.entries.put(write.key().clone(), write.value().clone());
            }
            else {
                this.entries.remove(write.key());
            }
        }
    }

    @Override
    public KeyValueIterator all() {
        checkOpen();
        return iterator(this.entries);
    }

    @Override
    public KeyValueIterator range(byte[] from, byte[] to) {
        checkOpen();
        Objects.requireNonNull(from, "from");
        if (to != null && Arrays.compareUnsigned(from, to) > 0) {
            // Nothing, as in RocksDB, rather than the map's IllegalArgumentException.
            return iterator(java.util.Collections.emptyNavigableMap());
        }
        return iterator((to != null) ? this.entries.subMap(from, true, to, false) : this.entries.tailMap(from, true));
    }

    private static KeyValueIterator iterator(NavigableMap<byte[], byte[]> entries) {
        Iterator<Map.Entry<byte[], byte[]>> iterator = entries.entrySet().iterator();
        return new KeyValueIterator() {

            @Override
            public boolean hasNext() {
                return iterator.hasNext();
            }

            @Override
            public KeyValue next() {
                Map.Entry<byte[], byte[]> entry = iterator.next();
                return new KeyValue(entry.getKey().clone(), entry.getValue().clone());
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public long approximateCount() {
        checkOpen();
        return this.entries.size();
    }

    @Override
    public byte[] lastKey() {
        checkOpen();
        Map.Entry<byte[], byte[]> last = this.entries.lastEntry();
        return (last != null) ? last.getKey().clone() : null;
    }

    @Override
    public void flush() {
        checkOpen();
    }

    @Override
    public void close() {
        this.closed = true;
    }

    @Override
    public void destroy() {
        close();
        this.entries.clear();
    }

    @Override
    public Path directory() {
        return null;
    }

    private void checkOpen() {
        if (this.closed) {
            throw new IllegalStateException("Store is closed");
        }
    }
}
