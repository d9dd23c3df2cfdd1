package io.millrace.streams.table.internal.store;

import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

import io.millrace.streams.table.KeyValue;

/**
 * A {@link KeyValueIterator} over a {@link RocksIterator}, which sees the database as it was when created. Each step
 * holds the store's read lock, so that the store cannot close the native iterator under it.
 */
final class RocksDbIterator implements KeyValueIterator {

    private final RocksDbStore store;

    private final RocksIterator iterator;

    /** Set once by whoever releases the native iterator first: its user or the closing store. */
    private final AtomicBoolean released = new AtomicBoolean();

    /** The key to stop before, {@code null} for none. */
    private final byte[] to;

    RocksDbIterator(RocksDbStore store, RocksIterator iterator) {
        this.store = store;
        this.iterator = iterator;
        this.to = null;
        iterator.seekToFirst();
    }

    RocksDbIterator(RocksDbStore store, RocksIterator iterator, byte[] from, byte[] to) {
        this.store = store;
        this.iterator = iterator;
        this.to = (to != null) ? to.clone() : null;
        iterator.seek(from);
    }

    @Override
    public boolean hasNext() {
        long stamp = this.store.enter();
        try {
            checkNotReleased();
            if (this.iterator.isValid()) {
                return this.to == null || java.util.Arrays.compareUnsigned(this.iterator.key(), this.to) < 0;
            }
            // An invalid iterator is either at the end or failed: status() tells which.
            this.iterator.status();
            return false;
        }
        catch (RocksDBException ex) {
            throw this.store.failure("iterate", ex);
        }
        finally {
            this.store.exit(stamp);
        }
    }

    @Override
    public KeyValue next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        long stamp = this.store.enter();
        try {
            checkNotReleased();
            KeyValue entry = new KeyValue(this.iterator.key(), this.iterator.value());
            this.iterator.next();
            return entry;
        }
        finally {
            this.store.exit(stamp);
        }
    }

    private void checkNotReleased() {
        if (this.released.get()) {
            throw new IllegalStateException("Iterator is closed");
        }
    }

    @Override
    public void close() {
        long stamp;
        try {
            stamp = this.store.enter();
        }
        catch (IllegalStateException ex) {
            // The store is closed, and released this iterator with it.
            return;
        }
        try {
            if (release()) {
                this.store.closed(this);
            }
        }
        finally {
            this.store.exit(stamp);
        }
    }

    /**
     * Releases the native iterator, once.
     * @return whether this call released it
     */
    boolean release() {
        if (!this.released.compareAndSet(false, true)) {
            return false;
        }
        this.iterator.close();
        return true;
    }
}
