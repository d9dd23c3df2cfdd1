package io.millrace.streams.runtime.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.runtime.internal.ConsumerLoopTests.FakeFactory;
import io.millrace.streams.runtime.internal.ConsumerLoopTests.RecordingListener;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.table.KeyValue;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.TableListener;
import io.millrace.streams.table.TablePartition;
import io.millrace.streams.table.TablePartitionView;
import io.millrace.streams.table.internal.TableManager;
import io.millrace.streams.table.internal.store.Checkpoint;
import io.millrace.streams.table.internal.store.RocksDbResources;
import io.millrace.streams.table.internal.store.StateDirectory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link ConsumerLoop} with a {@link TableManager} whose changelog reader runs on a {@link MockConsumer}: newly
 * assigned partitions stay paused, and none of their records is processed, until their tables are restored.
 */
class ConsumerLoopTablesTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final TopicPartition P0 = new TopicPartition("in", 0);

    private static final TopicPartition P1 = new TopicPartition("in", 1);

    private static final TopicPartition CHANGELOG0 = new TopicPartition("app-counts-changelog", 0);

    private static final TopicPartition CHANGELOG1 = new TopicPartition("app-counts-changelog", 1);

    private static final TableDefinition<String, String> COUNTS = TableDefinition
        .of("counts", Schemas.string(), Schemas.string())
        .withStore(TableDefinition.StoreType.MEMORY);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

    private final MockConsumer<byte[], byte[]> restoreConsumer = new MockConsumer<>("earliest");

    private final List<String> heard = new CopyOnWriteArrayList<>();

    private final TableManager tables = new TableManager("fruit", "app", List.of(COUNTS),
            TableDefinition.StoreType.MEMORY, null, null, false, () -> this.restoreConsumer,
            List.of(new TableListener() {

                @Override
                public void onRebalance(String stream, Set<Integer> assigned, Set<Integer> revoked,
                        Set<Integer> newlyAssigned) {
                    ConsumerLoopTablesTests.this.heard.add("rebalance assigned=" + new TreeSet<>(assigned)
                            + " revoked=" + new TreeSet<>(revoked) + " new=" + new TreeSet<>(newlyAssigned));
                }

                @Override
                public void onActivesReady(String stream, Set<Integer> partitions) {
                    ConsumerLoopTablesTests.this.heard.add("ready " + new TreeSet<>(partitions));
                }
            }));

    private final FakeFactory factory = new FakeFactory();

    private final ConsumerLoop loop = new ConsumerLoop("in", this.consumer, this.factory, StreamSettings.DEFAULTS,
            new StreamStats(), new RecordingListener(), this.tables, null);

    @BeforeEach
    void offsets() {
        this.consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        this.restoreConsumer.updateBeginningOffsets(Map.of(CHANGELOG0, 0L, CHANGELOG1, 0L));
        // Partition 0 has two changelog records to restore, partition 1 none.
        this.restoreConsumer.updateEndOffsets(Map.of(CHANGELOG0, 2L, CHANGELOG1, 0L));
        this.tables.start();
    }

    @AfterEach
    void close() {
        this.tables.close();
    }

    @Test
    void newlyAssignedPartitionsStayPausedAndUnprocessedUntilTheirTablesAreRestored() {
        this.consumer.subscribe(List.of("in"), this.loop);
        this.consumer.rebalance(List.of(P0, P1));
        assertThat(this.consumer.paused()).containsExactlyInAnyOrder(P0, P1);
        assertThat(this.heard).containsExactly("rebalance assigned=[0, 1] revoked=[] new=[0, 1]");
        addRecords(P0, 0, 2);
        addRecords(P1, 0, 3);

        // Partition 1 has nothing to restore: it is resumed and processed; partition 0 waits for its changelog.
        await().atMost(WAIT).untilAsserted(() -> {
            this.loop.runOnce();
            assertThat(this.consumer.paused()).containsExactly(P0);
            assertThat(this.factory.current().offsets(P1)).containsExactly(0L, 1L, 2L);
        });
        assertThat(this.factory.current().offsets(P0)).isEmpty();
        assertThat(this.heard).contains("ready [1]").doesNotContain("ready [0]", "ready [0, 1]");
        assertThat(view(0).role()).isEqualTo(TablePartition.Role.RESTORING);
        assertThat(view(0).remaining()).isEqualTo(2);
        assertThatIllegalStateException().isThrownBy(() -> this.tables.partition("counts", 0))
            .withMessageContaining("not active").withMessageContaining("RESTORING");

        await().atMost(WAIT).until(() -> this.restoreConsumer.assignment().contains(CHANGELOG0));
        this.restoreConsumer.addRecord(changelog(0, "apple", "3"));
        this.restoreConsumer.addRecord(changelog(1, "pear", "1"));
        await().atMost(WAIT).untilAsserted(() -> {
            this.loop.runOnce();
            assertThat(this.consumer.paused()).isEmpty();
            assertThat(this.factory.current().offsets(P0)).containsExactly(0L, 1L);
        });
        assertThat(this.heard).endsWith("ready [0]");
        assertThat(view(0)).satisfies((view) -> {
            assertThat(view.role()).isEqualTo(TablePartition.Role.ACTIVE);
            assertThat(view.restored()).isEqualTo(2);
            assertThat(view.remaining()).isZero();
            assertThat(view.changelogPosition()).isEqualTo(2);
        });
        assertThat(new String(this.tables.partition("counts", 0).get("apple".getBytes()))).isEqualTo("3");
        assertThat(new String(this.tables.partition("counts", 0).get("pear".getBytes()))).isEqualTo("1");
    }

    @Test
    void revokedPartitionsCloseTheirTables() {
        this.consumer.subscribe(List.of("in"), this.loop);
        this.consumer.rebalance(List.of(P0, P1));
        await().atMost(WAIT).untilAsserted(() -> {
            this.loop.runOnce();
            assertThat(this.consumer.paused()).containsExactly(P0);
        });
        this.consumer.rebalance(List.of(P0));
        assertThat(this.tables.views()).extracting(TablePartitionView::partition).containsExactly(0);
        assertThat(this.heard).contains("rebalance assigned=[0] revoked=[1] new=[]");
        assertThat(this.tables.ready(Set.of(1))).isEmpty();
    }

    @Test
    void aQuietLoopWritesTheCheckpointsItsLastCommitsSkipped(@TempDir Path stateDir) {
        TableDefinition<String, String> rocks = TableDefinition.of("counts", Schemas.string(), Schemas.string());
        MockConsumer<byte[], byte[]> changelogs = new MockConsumer<>("earliest");
        changelogs.updateBeginningOffsets(Map.of(CHANGELOG1, 0L));
        changelogs.updateEndOffsets(Map.of(CHANGELOG1, 0L));
        try (StateDirectory directory = new StateDirectory(stateDir);
                RocksDbResources rocksDb = new RocksDbResources(8 << 20, 4 << 20, (table, options) -> {
                });
                TableManager persistent = new TableManager("fruit", "app", List.of(rocks),
                        TableDefinition.StoreType.ROCKSDB, directory, rocksDb, false, () -> changelogs,
                        List.of())) {
            persistent.start();
            // At-least-once: the loop's producer sends the tables' changelog writes before offsets are committed.
            ConsumerLoop quiet = new ConsumerLoop("in", this.consumer, this.factory, StreamSettings.DEFAULTS,
                    new StreamStats(), new RecordingListener(), persistent, null, java.time.Clock.systemUTC(), null,
                    null, "fruit", new org.apache.kafka.clients.producer.MockProducer<>(true, null,
                            new org.apache.kafka.common.serialization.ByteArraySerializer(),
                            new org.apache.kafka.common.serialization.ByteArraySerializer()));
            this.consumer.subscribe(List.of("in"), quiet);
            this.consumer.rebalance(List.of(P1));
            await().atMost(WAIT).untilAsserted(() -> {
                quiet.runOnce();
                assertThat(persistent.ready(Set.of(1))).containsExactly(1);
            });

            // Two commits within a second: the first checkpoints, the second's checkpoint waits (rate limit).
            TablePartition counts = persistent.partition("counts", 1);
            Path partitionDir = stateDir.resolve("fruit").resolve("counts").resolve("1");
            counts.apply(List.of(new KeyValue("apple".getBytes(), "1".getBytes())));
            counts.acknowledged(0);
            persistent.committed(Set.of(1));
            assertThat(Checkpoint.read(partitionDir)).hasValue(1);
            counts.apply(List.of(new KeyValue("apple".getBytes(), "2".getBytes())));
            counts.acknowledged(1);
            persistent.committed(Set.of(1));
            assertThat(Checkpoint.read(partitionDir)).hasValue(1);

            // Nothing more to commit: the loop writes it when the interval allows.
            await().atMost(WAIT).untilAsserted(() -> {
                quiet.runOnce();
                assertThat(Checkpoint.read(partitionDir)).hasValue(2);
            });
            assertThat(new String(counts.get("apple".getBytes()))).isEqualTo("2");
        }
    }

    private TablePartitionView view(int partition) {
        return this.tables.views().stream().filter((view) -> view.partition() == partition).findFirst()
            .orElseThrow();
    }

    private void addRecords(TopicPartition partition, long from, int count) {
        for (long offset = from; offset < from + count; offset++) {
            this.consumer.addRecord(new ConsumerRecord<>(partition.topic(), partition.partition(), offset, 0L,
                    TimestampType.CREATE_TIME, -1, -1, ("k" + offset).getBytes(), ("v" + offset).getBytes(),
                    new RecordHeaders(), Optional.empty()));
        }
    }

    private static ConsumerRecord<byte[], byte[]> changelog(long offset, String key, String value) {
        return new ConsumerRecord<>(CHANGELOG0.topic(), CHANGELOG0.partition(), offset, 0L,
                TimestampType.CREATE_TIME, -1, -1, key.getBytes(), value.getBytes(), new RecordHeaders(),
                Optional.empty());
    }
}
