package io.millrace.streams.test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TablePartition;
import io.millrace.streams.table.Tables;
import io.millrace.streams.table.internal.StoredTablePartition;
import io.millrace.streams.table.internal.store.InMemoryStore;

/**
 * The tables of one stage in the driver: the production {@link StoredTablePartition}s over in-memory stores,
 * active from the start (nothing to restore), writing their changelogs to the driver's topics through the stage's
 * producer like in production.
 */
final class TestTables implements Tables {

    private final Map<String, TableDefinition<?, ?>> definitions = new LinkedHashMap<>();

    private final Map<String, Map<Integer, StoredTablePartition>> partitions = new LinkedHashMap<>();

    private final String applicationId;

    private final boolean exactlyOnce;

    private final Clock clock;

    TestTables(Collection<TableDefinition<?, ?>> definitions, String applicationId, boolean exactlyOnce,
            Clock clock) {
        definitions.forEach((definition) -> this.definitions.put(definition.name(), definition));
        this.applicationId = applicationId;
        this.exactlyOnce = exactlyOnce;
        this.clock = clock;
    }

    @Override
    public Collection<TableDefinition<?, ?>> definitions() {
        return this.definitions.values();
    }

    @Override
    public TableDefinition<?, ?> definition(String name) {
        return this.definitions.get(name);
    }

    @Override
    public StoredTablePartition partition(String table, int partition) {
        TableDefinition<?, ?> definition = this.definitions.get(table);
        if (definition == null) {
            throw new IllegalArgumentException("no table '" + table + "'");
        }
        return this.partitions.computeIfAbsent(table, (key) -> new TreeMap<>()).computeIfAbsent(partition, (key) -> {
            StoredTablePartition created = new StoredTablePartition(definition,
                    definition.changelogTopic(this.applicationId), partition, new InMemoryStore(), 0,
                    this.exactlyOnce, this.clock);
            created.role(TablePartition.Role.ACTIVE);
            return created;
        });
    }

    /**
     * The partitions of a table that hold anything, in partition order.
     * @param table the table
     * @return the partitions
     */
    List<StoredTablePartition> partitions(String table) {
        return new ArrayList<>(this.partitions.getOrDefault(table, Map.of()).values());
    }

    /**
     * Offsets of an input partition are about to be committed: its tables send their writes not yet in their
     * changelogs, as the runtime's committers have them do.
     * @param partition the input partition
     * @param send sends a changelog record
     */
    void sendChangelogs(int partition, java.util.function.Consumer<io.millrace.streams.table.ChangelogRecord> send) {
        forEach(partition, (stored) -> stored.sendChangelog(send));
    }

    /**
     * Offsets of these input partitions were committed: their tables' writes reach the stores, as the runtime's
     * table manager does on a commit.
     * @param partition the input partition
     */
    void committed(int partition) {
        forEach(partition, StoredTablePartition::commit);
    }

    /** Runs an action on each table's partition of an input partition that holds anything. */
    private void forEach(int partition, java.util.function.Consumer<StoredTablePartition> action) {
        this.partitions.values().forEach((table) -> {
            StoredTablePartition stored = table.get(partition);
            if (stored != null) {
                action.accept(stored);
            }
        });
    }
}
