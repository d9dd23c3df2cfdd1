package io.millrace.streams.table.internal.store;

import java.nio.file.Path;
import java.util.List;

import io.millrace.streams.table.KeyValue;

/**
 * A sorted map of byte keys to byte values: the local storage of one table partition.
 *
 * <p>Keys are ordered as unsigned bytes ({@link java.util.Arrays#compareUnsigned(byte[], byte[])}). Reads and writes
 * of different keys may run concurrently from any threads. The store copies what it is given and returns arrays the
 * caller owns. Every method but {@link #close()}, {@link #destroy()} and {@link #directory()} throws
 * {@link IllegalStateException} once the store is closed; failures of the storage itself are
 * {@link StoreException}s. None of the methods waits for another store operation except {@link #flush()}, which
 * waits for the disk, and {@link #close()}, which waits for the operations in progress.
 */
public interface KeyValueStore extends AutoCloseable {

    /**
     * A key's value.
     * @param key the key
     * @return the value, or {@code null} if the key is absent
     */
    byte[] get(byte[] key);

    /**
     * Sets a key's value.
     * @param key the key
     * @param value the value, not {@code null} (use {@link #delete(byte[])})
     */
    void put(byte[] key, byte[] value);

    /**
     * Removes a key, present or not.
     * @param key the key
     */
    void delete(byte[] key);

    /**
     * Applies puts and deletes in order, all or none of them: a later write of a key wins over an earlier one.
     * @param batch the writes; a {@code null} value deletes the key
     */
    void write(List<KeyValue> batch);

    /**
     * Every entry in key order. Writes made while iterating may or may not be seen.
     * @return the entries, to be closed by the caller
     */
    KeyValueIterator all();

    /**
     * The entries from one key (inclusive) to another (exclusive), in key order. Writes made while iterating may or
     * may not be seen.
     * @param from the first key
     * @param to the key to stop before, {@code null} for the end
     * @return the entries, to be closed by the caller
     */
    KeyValueIterator range(byte[] from, byte[] to);

    /**
     * The number of entries: an estimate on disk (deletes and overwrites not yet compacted count), exact in memory.
     * @return the approximate number of entries
     */
    long approximateCount();

    /** Writes buffered entries to disk, so that a restart need not replay them. Blocks until done. */
    void flush();

    /** Releases the store and its resources; the data stays. Idempotent. */
    @Override
    void close();

    /** Closes the store and deletes its data: its directory on disk, its entries in memory. */
    void destroy();

    /**
     * How many time segments the store keeps: {@code 1} for a store that is not segmented.
     * @return the segments
     */
    default int segments() {
        return 1;
    }

    /**
     * The bytes the store's files take on disk, about.
     * @return the size, {@code 0} for a store in memory
     */
    default long sizeOnDisk() {
        return 0;
    }

    /**
     * The largest key, as a reopened segmented store needs to know how far its time went.
     * @return the key, or {@code null} if the store is empty
     */
    default byte[] lastKey() {
        byte[] last = null;
        try (KeyValueIterator entries = all()) {
            while (entries.hasNext()) {
                last = entries.next().key();
            }
        }
        return last;
    }

    /**
     * Where the store keeps its files.
     * @return the directory, or {@code null} for a store in memory
     */
    Path directory();
}
