package io.millrace.streams.table;

import org.rocksdb.Options;

/**
 * Tunes the RocksDB options of each store (compaction, compression, bloom filters...) after Millrace has set its
 * defaults. Keep the shared block cache and write buffer manager in place, or memory is no longer bounded.
 */
@FunctionalInterface
public interface RocksDbOptionsCustomizer {

    /** Leaves Millrace's defaults as they are. */
    RocksDbOptionsCustomizer NONE = (table, options) -> {
    };

    /**
     * Customizes the options of one store before it opens.
     * @param table the name of the store's table
     * @param options the options, with Millrace's defaults; owned by the store, which closes them
     */
    void customize(String table, Options options);
}
