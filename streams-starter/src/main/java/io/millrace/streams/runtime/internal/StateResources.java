package io.millrace.streams.runtime.internal;

import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.runtime.StateConfig;
import io.millrace.streams.table.internal.store.RocksDbResources;
import io.millrace.streams.table.internal.store.StateDirectory;

/**
 * The state directory and the RocksDB memory of the application, opened when a stream first needs them (a table,
 * or a transactional producer's stable id) and closed with the manager; and the registry its streams observe records
 * with.
 */
public final class StateResources implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(StateResources.class);

    private final StateConfig config;

    private final ObservationRegistry observations;

    /** Where this instance answers queries, {@code null} when queries are off. */
    private volatile java.util.function.Supplier<String> queryUrl;

    private StateDirectory directory;

    private RocksDbResources rocksDb;

    /**
     * Resources opened on first use.
     * @param config where and how tables are kept
     */
    public StateResources(StateConfig config) {
        this(config, null);
    }

    /**
     * Creates the resources.
     * @param config where and how tables are kept
     * @param observations the registry every stream observes its records with, {@code null} for none
     */
    public StateResources(StateConfig config, ObservationRegistry observations) {
        this.config = config;
        this.observations = observations;
    }

    public StateConfig config() {
        return this.config;
    }

    /**
     * The registry every stream observes its records with.
     * @return the registry, {@code null} if records are not observed
     */
    public ObservationRegistry observations() {
        return this.observations;
    }

    /**
     * Where this instance answers queries, advertised to the other members of each group with tables.
     * @return the URL's supplier (asked at every join), or {@code null} when queries are off
     */
    public java.util.function.Supplier<String> queryUrl() {
        return this.queryUrl;
    }

    /**
     * Turns queries on: from now on streams with tables advertise the URL in their groups and hear the owners of
     * their partitions. Set before the streams start.
     * @param queryUrl the URL's supplier, asked at every join
     */
    public void queryUrl(java.util.function.Supplier<String> queryUrl) {
        this.queryUrl = queryUrl;
    }

    public synchronized StateDirectory directory() {
        if (this.directory == null) {
            this.directory = new StateDirectory(this.config.directory());
            logger.info("State directory {} (process id {})", this.config.directory(), this.directory.processId());
        }
        return this.directory;
    }

    public synchronized RocksDbResources rocksDb() {
        if (this.rocksDb == null) {
            this.rocksDb = new RocksDbResources(this.config.blockCacheSize(), this.config.writeBufferSize(),
                    this.config.customizer());
        }
        return this.rocksDb;
    }

    @Override
    public synchronized void close() {
        if (this.rocksDb != null) {
            this.rocksDb.close();
            this.rocksDb = null;
        }
        if (this.directory != null) {
            this.directory.close();
            this.directory = null;
        }
    }
}
