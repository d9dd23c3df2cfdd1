package io.millrace.streams.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import io.millrace.streams.table.RocksDbOptionsCustomizer;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TableListener;

/**
 * How the application keeps state: {@code millrace.state-dir} and {@code millrace.tables.*}.
 *
 * @param directory the state directory (RocksDB stores, checkpoints, the process id of transactional producers)
 * @param defaultStore the store of tables that do not name one
 * @param standbyReplicas warm copies of each table partition kept by other instances
 * @param blockCacheSize bytes of the block cache shared by every RocksDB store
 * @param writeBufferSize bytes of memtables shared by every RocksDB store (charged to the block cache)
 * @param customizer tunes the options of each RocksDB store
 * @param listeners hear rebalances and readiness of streams with tables
 */
public record StateConfig(Path directory, TableDefinition.StoreType defaultStore, int standbyReplicas,
        long blockCacheSize, long writeBufferSize, RocksDbOptionsCustomizer customizer,
        List<TableListener> listeners) {

    public StateConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(defaultStore, "defaultStore");
        Objects.requireNonNull(customizer, "customizer");
        listeners = List.copyOf(listeners);
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException("standby replicas must not be negative");
        }
    }

    /**
     * The defaults: {@code ${java.io.tmpdir}/millrace/<application-id>}, RocksDB, no standby, 64 MiB of block cache
     * and 32 MiB of write buffers.
     * @param applicationId the application id
     * @return the defaults
     */
    public static StateConfig defaults(String applicationId) {
        return new StateConfig(Path.of(System.getProperty("java.io.tmpdir"), "millrace", applicationId),
                TableDefinition.StoreType.ROCKSDB, 0, 64L << 20, 32L << 20, RocksDbOptionsCustomizer.NONE, List.of());
    }
}
