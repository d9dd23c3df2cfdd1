package io.millrace.streams.table.internal.store;

import java.util.Iterator;

import io.millrace.streams.table.KeyValue;

/**
 * Entries of a store in key order, holding native resources until closed: always close it, with
 * try-with-resources. Not thread-safe.
 */
public interface KeyValueIterator extends Iterator<KeyValue>, AutoCloseable {

    /** Releases the iterator. Idempotent. */
    @Override
    void close();
}
