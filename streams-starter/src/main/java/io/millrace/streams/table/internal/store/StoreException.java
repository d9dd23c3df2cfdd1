package io.millrace.streams.table.internal.store;

/**
 * The storage under a {@link KeyValueStore} failed: an I/O error, a full disk, an error reported by RocksDB.
 */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
