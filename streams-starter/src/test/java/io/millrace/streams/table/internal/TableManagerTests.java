package io.millrace.streams.table.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.millrace.streams.schema.Schemas;
import io.millrace.streams.table.KeyValue;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TablePartition.Role;
import io.millrace.streams.table.WindowKeys;
import io.millrace.streams.table.Windows;
import io.millrace.streams.table.internal.store.Checkpoint;
import io.millrace.streams.table.internal.store.RocksDbResources;
import io.millrace.streams.table.internal.store.SegmentedStore;
import io.millrace.streams.table.internal.store.StateDirectory;

import static io.millrace.streams.table.TestTables.COUNTS;
import static io.millrace.streams.table.TestTables.LONGS;
import static io.millrace.streams.table.TestTables.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TableManager} with in-memory stores and its changelog reader on a {@link MockConsumer}.
 */
class TableManagerTests {

    private static final TopicPartition CHANGELOG0 = new TopicPartition("app-counts-changelog", 0);

    private final MockConsumer<byte[], byte[]> restoreConsumer = new MockConsumer<>("earliest");

    private final TableManager tables = new TableManager("fruit", "app",
            List.of(COUNTS.withStore(TableDefinition.StoreType.MEMORY)), TableDefinition.StoreType.MEMORY, null, null,
            false, () -> this.restoreConsumer, List.of());

    @BeforeEach
    void start() {
        this.restoreConsumer.updateBeginningOffsets(Map.of(CHANGELOG0, 0L));
        this.restoreConsumer.updateEndOffsets(Map.of(CHANGELOG0, 0L));
        this.tables.start();
    }

    @AfterEach
    void close() {
        this.tables.close();
    }

    @Test
    void theChangelogTopicsAreNamedAfterTheApplication() {
        assertThat(this.tables.changelogTopics()).isEqualTo(Map.of("counts", "app-counts-changelog"));
    }

    @Test
    void aPartitionIsReadyOnceRestoredAndGoneOnceRevoked() {
        this.tables.assigned(Set.of(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> this.tables.ready(Set.of(0)).equals(Set.of(0)));
        StoredTablePartition partition = this.tables.partition("counts", 0);
        assertThat(partition.role()).isEqualTo(Role.ACTIVE);
        this.tables.revoked(Set.of(0), true);
        assertThat(this.tables.views()).isEmpty();
        assertThat(this.tables.ready(Set.of(0))).isEmpty();
    }

    @Test
    void resettingAnOpenPartitionReplacesItWithAnEmptyOne() {
        this.tables.assigned(Set.of(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> this.tables.ready(Set.of(0)).equals(Set.of(0)));
        StoredTablePartition stale = this.tables.partition("counts", 0);
        stale.apply(List.of(new KeyValue(utf8("apple"), utf8("1"))));
        stale.acknowledged(99);
        StoredTablePartition fresh = this.tables.reset(stale, 5);
        assertThat(fresh).isNotNull().isNotSameAs(stale);
        assertThat(fresh.role()).isEqualTo(Role.ACTIVE);
        assertThat(fresh.changelogPosition()).isZero();
        assertThat(fresh.get(utf8("apple"))).isNull();
        assertThat(this.tables.partition("counts", 0)).isSameAs(fresh);
    }

    @Test
    void resettingAPartitionRevokedMeanwhileOpensNoReplacement() {
        this.tables.assigned(Set.of(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> this.tables.ready(Set.of(0)).equals(Set.of(0)));
        StoredTablePartition stale = this.tables.partition("counts", 0);
        this.tables.revoked(Set.of(0), true);
        assertThat(this.tables.reset(stale, 0)).isNull();
        assertThat(this.tables.views()).isEmpty();
    }

    @Test
    void aWindowedTableIsStoredInTimeSegmentsAndACorruptSegmentIsWipedLikeACorruptStore(@TempDir Path stateDir)
            throws Exception {
        Windows windows = Windows.tumbling(Duration.ofSeconds(10));
        List<TableDefinition<?, ?>> definitions = List.of(
                TableDefinition.of("windows", Schemas.string(), LONGS).withWindows(windows),
                TableDefinition.of("memory", Schemas.string(), LONGS).withStore(TableDefinition.StoreType.MEMORY)
                    .withWindows(windows));
        Path partitionDir = stateDir.resolve("fruit").resolve("windows").resolve("0");
        byte[] window = WindowKeys.encode(20_000, utf8("apple"));
        try (StateDirectory directory = new StateDirectory(stateDir);
                RocksDbResources rocksDb = new RocksDbResources(8 << 20, 4 << 20, (table, options) -> {
                })) {
            try (TableManager manager = windowedTables(definitions, directory, rocksDb)) {
                StoredTablePartition onDisk = manager.partition("windows", 0);
                assertThat(onDisk.store()).isInstanceOf(SegmentedStore.class);
                assertThat(onDisk.store().directory()).isEqualTo(partitionDir);
                assertThat(manager.partition("memory", 0).store()).isInstanceOf(SegmentedStore.class)
                    .satisfies((store) -> assertThat(store.directory()).isNull());
                onDisk.apply(List.of(new KeyValue(window, utf8("1"))));
                onDisk.commit();
                assertThat(partitionDir.resolve("segment-0")).isDirectory();
            }
            Checkpoint.write(partitionDir, 0);
            Files.writeString(partitionDir.resolve("segment-0").resolve("CURRENT"), "garbage");
            try (TableManager manager = windowedTables(definitions, directory, rocksDb)) {
                assertThat(manager.partition("windows", 0).get(window)).isNull();
                assertThat(partitionDir.resolve("segment-0")).doesNotExist();
            }
        }
    }

    private static TableManager windowedTables(List<TableDefinition<?, ?>> definitions, StateDirectory directory,
            RocksDbResources rocksDb) {
        MockConsumer<byte[], byte[]> changelogs = new MockConsumer<>("earliest");
        Map<TopicPartition, Long> offsets = Map.of(new TopicPartition("app-windows-changelog", 0), 0L,
                new TopicPartition("app-memory-changelog", 0), 0L);
        changelogs.updateBeginningOffsets(offsets);
        changelogs.updateEndOffsets(offsets);
        TableManager manager = new TableManager("fruit", "app", definitions, TableDefinition.StoreType.ROCKSDB,
                directory, rocksDb, false, () -> changelogs, List.of());
        manager.start();
        manager.assigned(Set.of(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> manager.ready(Set.of(0)).equals(Set.of(0)));
        return manager;
    }
}
