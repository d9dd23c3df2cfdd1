package io.millrace.streams.table.internal.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.StampedLock;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LogFile;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WalFileType;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import io.millrace.streams.table.KeyValue;

/**
 * A {@link KeyValueStore} in one RocksDB database, in its own directory, using the memory of
 * {@link RocksDbResources}.
 *
 * <p>Writes go through the write-ahead log, without syncing it: a killed process loses none of them, a crashed
 * machine may lose the last ones (the changelog restores them). Every native handle (options, filter, write
 * options, iterators, the database) belongs to the store and is released by {@link #close()}.
 *
 * <p>Operations hold the read side of {@link #lock} and {@link #close()} its write side: a read or a write in
 * progress on another thread finishes before the database is closed, instead of touching freed native memory.
 */
public final class RocksDbStore implements KeyValueStore {

    /** The real paths of the stores open in this JVM: RocksDB's own lock is per process. */
    private static final Set<Path> openDirectories = ConcurrentHashMap.newKeySet();

    private static final int BLOOM_FILTER_BITS_PER_KEY = 10;

    private final Path directory;

    private final Path realDirectory;

    private final String table;

    private final RocksDB db;

    private final Options options;

    private final BloomFilter filter;

    private final WriteOptions writeOptions = new WriteOptions();

    /**
     * Read side per operation, write side to close. A {@link StampedLock}: one compare-and-set each way, no
     * per-thread hold counts (this guards every read of the per-record path); not reentrant, and no operation nests.
     */
    private final StampedLock lock = new StampedLock();

    /** Iterators not yet closed, closed with the store. */
    private final Set<RocksDbIterator> iterators = ConcurrentHashMap.newKeySet();

    /** Written under the write lock only. */
    private volatile boolean closed;

    private RocksDbStore(Path directory, Path realDirectory, String table, RocksDB db, Options options,
            BloomFilter filter) {
        this.directory = directory;
        this.realDirectory = realDirectory;
        this.table = table;
        this.db = db;
        this.options = options;
        this.filter = filter;
    }

    /**
     * Opens the store in a directory, creating both if needed.
     * @param directory the store's directory, for this store alone
     * @param table the table's name, for the options customizer and messages
     * @param resources the memory shared by all stores
     * @return the open store
     * @throws StoreCorruptedException if RocksDB cannot open the files in the directory
     * @throws IllegalStateException if a store of this JVM is already open in the directory
     */
    public static RocksDbStore open(Path directory, String table, RocksDbResources resources) {
        Path realDirectory = createDirectory(directory);
        if (!openDirectories.add(realDirectory)) {
            throw new IllegalStateException("A store is already open in " + directory);
        }
        BloomFilter filter = null;
        Options options = null;
        boolean opened = false;
        try {
            filter = new BloomFilter(BLOOM_FILTER_BITS_PER_KEY);
            options = options(table, resources, filter);
            RocksDB db = RocksDB.open(options, realDirectory.toString());
            opened = true;
            return new RocksDbStore(directory, realDirectory, table, db, options, filter);
        }
        catch (RocksDBException ex) {
            // Whatever the status (Corruption, or an IOError on a missing file), the files cannot serve: restore.
            throw new StoreCorruptedException(directory, ex);
        }
        finally {
            if (!opened) {
                closeQuietly(options);
                closeQuietly(filter);
                openDirectories.remove(realDirectory);
            }
        }
    }

    private static Path createDirectory(Path directory) {
        try {
            return Files.createDirectories(directory).toRealPath();
        }
        catch (IOException ex) {
            throw new StoreException("Could not create the store directory " + directory, ex);
        }
    }

    private static Options options(String table, RocksDbResources resources, BloomFilter filter) {
        BlockBasedTableConfig tableConfig = new BlockBasedTableConfig().setBlockCache(resources.blockCache())
            .setCacheIndexAndFilterBlocks(true)
            .setCacheIndexAndFilterBlocksWithHighPriority(true)
            .setPinTopLevelIndexAndFilter(true)
            .setFilterPolicy(filter);
        Options options = new Options();
        try {
            options.setCreateIfMissing(true)
                .setWriteBufferManager(resources.writeBufferManager())
                .setTableFormatConfig(tableConfig)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setMaxWriteBufferNumber(3)
                .setIncreaseParallelism(2)
                .setMaxLogFileSize(16 * 1024 * 1024)
                .setKeepLogFileNum(3);
            resources.customizer().customize(table, options);
            return options;
        }
        catch (RuntimeException | Error ex) {
            options.close();
            throw ex;
        }
    }

    @Override
    public byte[] get(byte[] key) {
        Objects.requireNonNull(key, "key");
        long stamp = enter();
        try {
            return this.db.get(key);
        }
        catch (RocksDBException ex) {
            throw failure("read", ex);
        }
        finally {
            exit(stamp);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        long stamp = enter();
        try {
            this.db.put(this.writeOptions, key, value);
        }
        catch (RocksDBException ex) {
            throw failure("write", ex);
        }
        finally {
            exit(stamp);
        }
    }

    @Override
    public void delete(byte[] key) {
        Objects.requireNonNull(key, "key");
        long stamp = enter();
        try {
            this.db.delete(this.writeOptions, key);
        }
        catch (RocksDBException ex) {
            throw failure("delete", ex);
        }
        finally {
            exit(stamp);
        }
    }

    @Override
    public void write(List<KeyValue> batch) {
        try (WriteBatch writes = new WriteBatch()) {
            for (KeyValue write : batch) {
                if (write.value() != null) {
                    writes.put(write.key(), write.value());
                }
                else {
                    writes.delete(write.key());
                }
            }
            long stamp = enter();
            try {
                this.db.write(this.writeOptions, writes);
            }
            finally {
                exit(stamp);
            }
        }
        catch (RocksDBException ex) {
            throw failure("write a batch", ex);
        }
    }

    @Override
    public KeyValueIterator all() {
        long stamp = enter();
        try {
            RocksDbIterator iterator = new RocksDbIterator(this, this.db.newIterator());
            this.iterators.add(iterator);
            return iterator;
        }
        finally {
            exit(stamp);
        }
    }

    @Override
    public KeyValueIterator range(byte[] from, byte[] to) {
        Objects.requireNonNull(from, "from");
        long stamp = enter();
        try {
            RocksDbIterator iterator = new RocksDbIterator(this, this.db.newIterator(), from, to);
            this.iterators.add(iterator);
            return iterator;
        }
        finally {
            exit(stamp);
        }
    }

    @Override
    public long approximateCount() {
        long stamp = enter();
        try {
            return this.db.getLongProperty("rocksdb.estimate-num-keys");
        }
        catch (RocksDBException ex) {
            throw failure("count", ex);
        }
        finally {
            exit(stamp);
        }
    }

    @Override
    public byte[] lastKey() {
        long stamp = enter();
        try (RocksIterator iterator = this.db.newIterator()) {
            iterator.seekToLast();
            if (iterator.isValid()) {
                return iterator.key();
            }
            iterator.status();
            return null;
        }
        catch (RocksDBException ex) {
            throw failure("read the last key", ex);
        }
        finally {
            exit(stamp);
        }
    }

    /** The table files, and the write-ahead logs not yet flushed into them. */
    @Override
    public long sizeOnDisk() {
        long stamp = enter();
        try {
            long size = this.db.getLongProperty("rocksdb.total-sst-files-size");
            for (LogFile wal : this.db.getSortedWalFiles()) {
                if (wal.type() == WalFileType.kAliveLogFile) {
                    size += wal.sizeFileBytes();
                }
            }
            return size;
        }
        catch (RocksDBException ex) {
            throw failure("measure", ex);
        }
        finally {
            exit(stamp);
        }
    }

    @Override
    public void flush() {
        long stamp = enter();
        try (FlushOptions flushOptions = new FlushOptions().setWaitForFlush(true)) {
            this.db.flush(flushOptions);
        }
        catch (RocksDBException ex) {
            throw failure("flush", ex);
        }
        finally {
            exit(stamp);
        }
    }

    @Override
    public void close() {
        long stamp = this.lock.writeLock();
        try {
            if (this.closed) {
                return;
            }
            this.closed = true;
            // RocksDB requires its iterators released before the database.
            this.iterators.forEach(RocksDbIterator::release);
            this.iterators.clear();
            this.db.close();
            this.writeOptions.close();
            this.options.close();
            this.filter.close();
            openDirectories.remove(this.realDirectory);
        }
        finally {
            this.lock.unlockWrite(stamp);
        }
    }

    @Override
    public void destroy() {
        close();
        StateDirectory.wipe(this.directory);
    }

    @Override
    public Path directory() {
        return this.directory;
    }

    @Override
    public String toString() {
        return "RocksDbStore[" + this.table + " in " + this.directory + "]";
    }

    /** Takes the read lock for one operation; fails if the store is closed. Give its stamp to {@link #exit}. */
    long enter() {
        long stamp = this.lock.readLock();
        if (this.closed) {
            this.lock.unlockRead(stamp);
            throw new IllegalStateException("Store " + this.table + " in " + this.directory + " is closed");
        }
        return stamp;
    }

    void exit(long stamp) {
        this.lock.unlockRead(stamp);
    }

    /** Forgets an iterator its user closed. Called under the read lock. */
    void closed(RocksDbIterator iterator) {
        this.iterators.remove(iterator);
    }

    StoreException failure(String action, RocksDBException ex) {
        return new StoreException("Could not " + action + " in store " + this.table + " in " + this.directory + ": "
                + ex.getMessage(), ex);
    }

    private static void closeQuietly(AutoCloseable resource) {
        if (resource != null) {
            try {
                resource.close();
            }
            catch (Exception ex) {
                // Already failing: the first failure is the one to report.
            }
        }
    }
}
