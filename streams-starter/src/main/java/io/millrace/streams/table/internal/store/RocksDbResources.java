package io.millrace.streams.table.internal.store;

import java.util.Objects;

import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

import io.millrace.streams.table.RocksDbOptionsCustomizer;

/**
 * The memory that all RocksDB stores of the application share, so that it stays bounded however many table
 * partitions this instance holds: one block cache, and one write buffer manager whose memtables are charged to
 * that cache.
 *
 * <p>Index and filter blocks live in the cache too, with high priority, in a pool of a tenth of it. Close the
 * resources after every store that uses them.
 */
public final class RocksDbResources implements AutoCloseable {

    /** The share of the cache kept for index and filter blocks, as in Kafka Streams' bounded-memory example. */
    private static final double HIGH_PRIORITY_POOL_RATIO = 0.1;

    private final LRUCache blockCache;

    private final WriteBufferManager writeBufferManager;

    private final RocksDbOptionsCustomizer customizer;

    private volatile boolean closed;

    /**
     * Creates the shared cache and write buffer manager.
     * @param blockCacheSize the bytes of the block cache, memtables included
     * @param writeBufferSize the bytes all memtables together may use before RocksDB flushes them; part of the
     * block cache
     * @param customizer tunes each store's options
     */
    public RocksDbResources(long blockCacheSize, long writeBufferSize, RocksDbOptionsCustomizer customizer) {
        if (blockCacheSize <= 0 || writeBufferSize <= 0) {
            throw new IllegalArgumentException("RocksDB memory must be positive, was block cache " + blockCacheSize
                    + " and write buffers " + writeBufferSize);
        }
        this.customizer = Objects.requireNonNull(customizer, "customizer");
        RocksDB.loadLibrary();
        this.blockCache = new LRUCache(blockCacheSize, -1, false, HIGH_PRIORITY_POOL_RATIO);
        this.writeBufferManager = new WriteBufferManager(writeBufferSize, this.blockCache);
    }

    Cache blockCache() {
        checkOpen();
        return this.blockCache;
    }

    WriteBufferManager writeBufferManager() {
        checkOpen();
        return this.writeBufferManager;
    }

    RocksDbOptionsCustomizer customizer() {
        return this.customizer;
    }

    private void checkOpen() {
        if (this.closed) {
            throw new IllegalStateException("RocksDB resources are closed");
        }
    }

    /**
     * Releases the cache and the write buffer manager; call it after closing every store. A store still open holds
     * native references of its own, so an early close does not break it. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (this.closed) {
            return;
        }
        this.closed = true;
        this.writeBufferManager.close();
        this.blockCache.close();
    }
}
