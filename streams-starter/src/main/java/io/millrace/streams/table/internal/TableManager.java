package io.millrace.streams.table.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.table.LocalTables;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TableListener;
import io.millrace.streams.table.TablePartition.Role;
import io.millrace.streams.table.TablePartitionView;
import io.millrace.streams.table.Tables;
import io.millrace.streams.table.internal.store.Checkpoint;
import io.millrace.streams.table.internal.store.CorruptCheckpointException;
import io.millrace.streams.table.internal.store.InMemoryStore;
import io.millrace.streams.table.internal.store.KeyValueStore;
import io.millrace.streams.table.internal.store.RocksDbResources;
import io.millrace.streams.table.internal.store.RocksDbStore;
import io.millrace.streams.table.internal.store.SegmentedStore;
import io.millrace.streams.table.internal.store.StateDirectory;
import io.millrace.streams.table.internal.store.StoreCorruptedException;

/**
 * The tables of one stream in this instance (Faust's TableManager): opens the stores of the partitions the consumer
 * loops are assigned, has the {@link ChangelogReader} restore them before their records are processed, keeps
 * standby copies warm, and commits, checkpoints and closes them as the loops commit and give partitions up.
 *
 * <p>Partitions are keyed by the input partition number: table partition {@code p} of every table belongs with input
 * partition {@code p}. The loops of the stream call in from their own threads, each for its own partitions; the
 * reader thread restores. One lock orders a partition's opening, restoring and closing.
 */
public final class TableManager implements Tables, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(TableManager.class);

    private final String stream;

    private final Clock clock;

    private final Map<String, TableDefinition<?, ?>> definitions = new LinkedHashMap<>();

    private final Map<String, String> changelogs = new LinkedHashMap<>();

    private final TableDefinition.StoreType defaultStore;

    private final StateDirectory stateDirectory;

    private final RocksDbResources rocksDb;

    private final boolean exactlyOnce;

    private final List<TableListener> listeners;

    /** Open partitions: table name to partition number to partition. */
    private final Map<String, Map<Integer, StoredTablePartition>> open = new ConcurrentHashMap<>();

    /** The standby partitions this instance should keep, as the assignor said. */
    private final Set<Integer> standbys = ConcurrentHashMap.newKeySet();

    private final Map<Object, Set<Integer>> standbysByMember = new ConcurrentHashMap<>();

    private final ChangelogReader reader;

    private final LocalTables reads = new PartitionReads(this.open);

    /**
     * Creates the manager; call {@link #start()} before the loops run.
     * @param stream the stream
     * @param applicationId names the changelog topics
     * @param tables the stream's tables
     * @param defaultStore the store of tables that do not name one
     * @param stateDirectory where RocksDB stores live, or {@code null} if every table is in memory
     * @param rocksDb memory shared by RocksDB stores, or {@code null} if every table is in memory
     * @param exactlyOnce whether writes wait for their transaction and the changelog is read committed
     * @param restoreConsumer makes the consumer of the changelog reader (assign only, no group)
     * @param listeners hear rebalances and readiness
     */
    public TableManager(String stream, String applicationId, List<TableDefinition<?, ?>> tables,
            TableDefinition.StoreType defaultStore, StateDirectory stateDirectory, RocksDbResources rocksDb,
            boolean exactlyOnce, Supplier<Consumer<byte[], byte[]>> restoreConsumer, List<TableListener> listeners) {
        this(stream, applicationId, tables, defaultStore, stateDirectory, rocksDb, exactlyOnce, restoreConsumer,
                listeners, Clock.systemUTC());
    }

    /**
     * Creates the tables of a stream.
     * @param stream the stream
     * @param applicationId the application id, prefix of the changelog topics
     * @param tables the stream's tables
     * @param defaultStore the store of tables that do not name one
     * @param stateDirectory where RocksDB stores and checkpoints live, or {@code null} if every table is in memory
     * @param rocksDb the memory shared by every RocksDB store, or {@code null} if every table is in memory
     * @param exactlyOnce whether writes wait for their transaction and the changelog is read committed
     * @param restoreConsumer makes the consumer of the changelog reader (assign only, no group)
     * @param listeners hear rebalances and readiness
     * @param clock where checkpoint intervals are read
     */
    public TableManager(String stream, String applicationId, List<TableDefinition<?, ?>> tables,
            TableDefinition.StoreType defaultStore, StateDirectory stateDirectory, RocksDbResources rocksDb,
            boolean exactlyOnce, Supplier<Consumer<byte[], byte[]>> restoreConsumer, List<TableListener> listeners,
            Clock clock) {
        this.clock = clock;
        this.stream = stream;
        for (TableDefinition<?, ?> table : tables) {
            this.definitions.put(table.name(), table);
            this.changelogs.put(table.name(), table.changelogTopic(applicationId));
            this.open.put(table.name(), new ConcurrentHashMap<>());
        }
        this.defaultStore = defaultStore;
        this.stateDirectory = stateDirectory;
        this.rocksDb = rocksDb;
        this.exactlyOnce = exactlyOnce;
        this.listeners = List.copyOf(listeners);
        this.reader = new ChangelogReader(stream, restoreConsumer, this::reset, this::standbysReady, clock);
    }

    /** Starts the changelog reader. */
    public void start() {
        this.reader.start();
    }

    /**
     * The changelog topics, which must exist with the input's partition count.
     * @return table name to changelog topic
     */
    public Map<String, String> changelogTopics() {
        return Map.copyOf(this.changelogs);
    }

    public String stream() {
        return this.stream;
    }

    @Override
    public TableDefinition<?, ?> definition(String name) {
        return this.definitions.get(name);
    }

    @Override
    public java.util.Collection<TableDefinition<?, ?>> definitions() {
        return java.util.Collections.unmodifiableCollection(this.definitions.values());
    }

    @Override
    public StoredTablePartition partition(String table, int partition) {
        Map<Integer, StoredTablePartition> partitions = this.open.get(table);
        StoredTablePartition found = (partitions != null) ? partitions.get(partition) : null;
        if (found == null || found.role() != Role.ACTIVE) {
            throw new IllegalStateException("Partition " + partition + " of table '" + table
                    + "' is not active in this instance" + ((found != null) ? " (" + found.role() + ")" : ""));
        }
        return found;
    }

    /**
     * This instance's partitions of the stream's tables for readers on other threads (queries).
     * @return the reads
     */
    public LocalTables localTables() {
        return this.reads;
    }

    /**
     * Partitions were assigned to a loop: opens their stores and starts restoring them. They stay unready until
     * {@link #ready} says so.
     * @param partitions the newly assigned input partitions
     */
    public void assigned(Set<Integer> partitions) {
        List<StoredTablePartition> restoring = new ArrayList<>();
        synchronized (this) {
            for (int partition : partitions) {
                for (String table : this.definitions.keySet()) {
                    StoredTablePartition existing = this.open.get(table).get(partition);
                    if (existing == null) {
                        existing = openPartition(table, partition);
                        this.open.get(table).put(partition, existing);
                    }
                    existing.role(Role.RESTORING);
                    restoring.add(existing);
                }
            }
        }
        this.reader.restore(restoring);
    }

    /**
     * Which of the given partitions finished restoring every table.
     * @param partitions the partitions a loop waits for
     * @return those now active
     */
    public Set<Integer> ready(Set<Integer> partitions) {
        Set<Integer> ready = new HashSet<>();
        for (int partition : partitions) {
            boolean all = true;
            for (Map<Integer, StoredTablePartition> table : this.open.values()) {
                StoredTablePartition found = table.get(partition);
                if (found == null || found.role() != Role.ACTIVE) {
                    all = false;
                    break;
                }
            }
            if (all) {
                ready.add(partition);
            }
        }
        return ready;
    }

    /**
     * A loop committed: under {@code exactly-once} the transaction's writes go to the stores. Checkpoints follow (under
     * {@code at-least-once} with the finished writes, at most once per checkpoint interval).
     * @param partitions the loop's partitions
     */
    public void committed(Set<Integer> partitions) {
        forEachActive(partitions, (table) -> {
            table.committed();
            table.checkpoint();
        });
    }

    /**
     * Under {@code exactly-once}, before a loop's transaction commits: its active partitions send the transaction's
     * writes to their changelogs, the latest value of each key once (see {@link StoredTablePartition#sendChangelog}).
     * @param partitions the loop's partitions
     * @param send sends a record in the loop's open transaction
     */
    public void sendChangelogs(Set<Integer> partitions,
            java.util.function.Consumer<io.millrace.streams.table.ChangelogRecord> send) {
        forEachActive(partitions, (table) -> table.sendChangelog(send));
    }

    /**
     * A quiet loop: its active partitions write the checkpoints their last commits skipped (rate-limited like after
     * a commit). Under {@code exactly-once} only between transactions: the checkpoint counts committed writes only.
     * @param partitions the loop's partitions
     */
    public void checkpoint(Set<Integer> partitions) {
        forEachActive(partitions, StoredTablePartition::checkpoint);
    }

    /**
     * A loop aborted its transaction: its writes are forgotten.
     * @param partitions the loop's partitions
     */
    public void aborted(Set<Integer> partitions) {
        forEachActive(partitions, StoredTablePartition::abort);
    }

    private void forEachActive(Set<Integer> partitions, java.util.function.Consumer<StoredTablePartition> action) {
        for (Map<Integer, StoredTablePartition> table : this.open.values()) {
            for (int partition : partitions) {
                StoredTablePartition found = table.get(partition);
                if (found != null && found.role() == Role.ACTIVE) {
                    action.accept(found);
                }
            }
        }
    }

    /**
     * Partitions left a loop, after it finished and committed their work: their stores are checkpointed and closed,
     * or kept warm as standbys if the assignor said so.
     * @param partitions the partitions
     * @param clean whether their work was committed; otherwise their open transaction's writes are forgotten
     */
    public void revoked(Set<Integer> partitions, boolean clean) {
        List<StoredTablePartition> closing = new ArrayList<>();
        List<StoredTablePartition> toStandby = new ArrayList<>();
        synchronized (this) {
            for (Map<Integer, StoredTablePartition> table : this.open.values()) {
                for (int partition : partitions) {
                    StoredTablePartition found = table.get(partition);
                    if (found == null) {
                        continue;
                    }
                    if (!clean) {
                        found.abort();
                    }
                    if (this.standbys.contains(partition) && found.role() == Role.ACTIVE) {
                        found.checkpointNow();
                        found.role(Role.STANDBY);
                        toStandby.add(found);
                    }
                    else {
                        table.remove(partition);
                        closing.add(found);
                    }
                }
            }
        }
        this.reader.release(closing);
        for (StoredTablePartition table : closing) {
            closeQuietly(table, true);
        }
        this.reader.standby(toStandby);
    }

    /**
     * The standby partitions one member of this instance should keep warm, from its assignment. The instance keeps
     * the union over its members; owned partitions are skipped, and a standby about to become active stays open so
     * that its restore starts from where it is.
     * @param member the member (one per consumer loop)
     * @param partitions the member's standby input partitions
     * @param actives the member's active partitions after this assignment
     */
    public void standbys(Object member, Set<Integer> partitions, Set<Integer> actives) {
        List<StoredTablePartition> added = new ArrayList<>();
        List<StoredTablePartition> dropped = new ArrayList<>();
        synchronized (this) {
            this.standbysByMember.put(member, Set.copyOf(partitions));
            this.standbys.clear();
            this.standbysByMember.values().forEach(this.standbys::addAll);
            for (String table : this.definitions.keySet()) {
                Map<Integer, StoredTablePartition> open = this.open.get(table);
                for (StoredTablePartition existing : List.copyOf(open.values())) {
                    int partition = existing.partition();
                    if (existing.role() == Role.STANDBY && !this.standbys.contains(partition)
                            && !actives.contains(partition)) {
                        open.remove(partition);
                        dropped.add(existing);
                    }
                }
                for (int partition : this.standbys) {
                    if (!open.containsKey(partition)) {
                        StoredTablePartition standby = openPartition(table, partition);
                        standby.role(Role.STANDBY);
                        open.put(partition, standby);
                        added.add(standby);
                    }
                }
            }
        }
        this.reader.release(dropped);
        dropped.forEach((table) -> closeQuietly(table, true));
        this.reader.standby(added);
        if (!added.isEmpty() || !dropped.isEmpty()) {
            logger.info("Stream '{}': standby partition(s) now {}", this.stream, new java.util.TreeSet<>(this.standbys));
        }
    }

    /**
     * Tells the listeners about a rebalance.
     * @param assigned the partitions the loop owns now
     * @param revoked the partitions it gave up
     * @param newlyAssigned the partitions it did not own before
     */
    public void rebalanced(Set<Integer> assigned, Set<Integer> revoked, Set<Integer> newlyAssigned) {
        for (TableListener listener : this.listeners) {
            call(() -> listener.onRebalance(this.stream, Set.copyOf(assigned), Set.copyOf(revoked),
                    Set.copyOf(newlyAssigned)));
        }
    }

    /**
     * Tells the listeners that restored partitions are processed from now on.
     * @param partitions the partitions
     */
    public void activesReady(Set<Integer> partitions) {
        logger.info("Stream '{}': tables of partition(s) {} restored", this.stream, partitions);
        for (TableListener listener : this.listeners) {
            call(() -> listener.onActivesReady(this.stream, Set.copyOf(partitions)));
        }
    }

    private void standbysReady(Set<Integer> partitions) {
        for (TableListener listener : this.listeners) {
            call(() -> listener.onStandbysReady(this.stream, Set.copyOf(partitions)));
        }
    }

    private void call(Runnable callback) {
        try {
            callback.run();
        }
        catch (RuntimeException ex) {
            logger.warn("A table listener of stream '{}' failed", this.stream, ex);
        }
    }

    /**
     * Every open table partition, for the endpoint, health and metrics.
     * @return the views, by table then partition
     */
    public List<TablePartitionView> views() {
        List<TablePartitionView> views = new ArrayList<>();
        for (Map<Integer, StoredTablePartition> table : this.open.values()) {
            table.values().stream().map(StoredTablePartition::view).sorted(
                    java.util.Comparator.comparingInt(TablePartitionView::partition)).forEach(views::add);
        }
        return views;
    }

    private StoredTablePartition openPartition(String table, int partition) {
        TableDefinition<?, ?> definition = this.definitions.get(table);
        String changelog = this.changelogs.get(table);
        TableDefinition.StoreType type = (definition.store() != null) ? definition.store() : this.defaultStore;
        if (type == TableDefinition.StoreType.MEMORY || this.stateDirectory == null) {
            KeyValueStore store = definition.windowed() ? SegmentedStore.inMemory(definition.windows())
                    : new InMemoryStore();
            return new StoredTablePartition(definition, changelog, partition, store, 0, this.exactlyOnce, this.clock);
        }
        Path directory = this.stateDirectory.tableDir(this.stream, table, partition);
        long checkpoint = readCheckpoint(directory);
        KeyValueStore store;
        try {
            store = openRocksDb(definition, directory);
        }
        catch (StoreCorruptedException ex) {
            logger.warn("Store {} is corrupt; wiping it and restoring it fully from {}: {}", directory, changelog,
                    ex.toString());
            StateDirectory.wipe(directory);
            directory = this.stateDirectory.tableDir(this.stream, table, partition);
            checkpoint = 0;
            store = openRocksDb(definition, directory);
        }
        return new StoredTablePartition(definition, changelog, partition, store, checkpoint, this.exactlyOnce,
                this.clock);
    }

    /** One RocksDB for a plain table, one per time segment (and one for its metadata) for a windowed one. */
    private KeyValueStore openRocksDb(TableDefinition<?, ?> definition, Path directory) {
        if (definition.windowed()) {
            return SegmentedStore.rocksDb(directory, definition.name(), definition.windows(), this.rocksDb);
        }
        return RocksDbStore.open(directory, definition.name(), this.rocksDb);
    }

    private long readCheckpoint(Path directory) {
        OptionalLong checkpoint;
        try {
            checkpoint = Checkpoint.read(directory);
        }
        catch (CorruptCheckpointException ex) {
            logger.warn("Checkpoint in {} is corrupt; wiping the store and restoring it fully: {}", directory,
                    ex.toString());
            checkpoint = OptionalLong.empty();
        }
        if (checkpoint.isEmpty()) {
            // Without a checkpoint nothing says what the store holds: start from an empty one.
            StateDirectory.wipe(directory);
            this.stateDirectory.tableDir(this.stream, directory.getParent().getFileName().toString(),
                    Integer.parseInt(directory.getFileName().toString()));
            return 0;
        }
        return checkpoint.getAsLong();
    }

    /**
     * Replaces a partition whose checkpoint lies beyond its changelog's end (the topic was recreated, or the store
     * belongs to another cluster) with an empty one. Called by the reader.
     * @param stale the partition
     * @param end the changelog's end offset
     * @return the empty replacement, or {@code null} if the partition was revoked meanwhile (whoever revoked it
     * closes it; a replacement would be open in nobody's hands, holding its directory)
     */
    synchronized StoredTablePartition reset(StoredTablePartition stale, long end) {
        String table = stale.definition().name();
        Map<Integer, StoredTablePartition> partitions = this.open.get(table);
        if (partitions.get(stale.partition()) != stale) {
            return null;
        }
        logger.warn("Checkpoint {} of {}-{} is beyond the changelog's end {}; wiping the store and restoring it fully",
                stale.changelogPosition(), stale.changelogTopic(), stale.partition(), end);
        closeQuietly(stale, false);
        Path directory = stale.store().directory();
        if (directory != null) {
            StateDirectory.wipe(directory);
        }
        StoredTablePartition fresh = openPartition(table, stale.partition());
        fresh.role(stale.role());
        partitions.put(stale.partition(), fresh);
        return fresh;
    }

    private void closeQuietly(StoredTablePartition table, boolean checkpoint) {
        try {
            table.close(checkpoint);
        }
        catch (RuntimeException ex) {
            logger.warn("Closing {} failed: {}", table, ex.toString());
        }
    }

    TopicPartition changelogPartition(StoredTablePartition table) {
        return new TopicPartition(table.changelogTopic(), table.partition());
    }

    /** Stops the reader and closes every partition still open (standbys), with a checkpoint. */
    @Override
    public void close() {
        this.reader.close();
        synchronized (this) {
            for (Map<Integer, StoredTablePartition> table : this.open.values()) {
                // A store being restored reflects the changelog up to its position too: checkpoint every one.
                table.values().forEach((partition) -> closeQuietly(partition, true));
                table.clear();
            }
        }
    }
}
