package io.millrace.streams.table.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.millrace.streams.strategy.step.MutableClock;
import io.millrace.streams.table.KeyValue;
import io.millrace.streams.table.TablePartition.Role;
import io.millrace.streams.table.TablePartitionView;
import io.millrace.streams.table.internal.store.Checkpoint;
import io.millrace.streams.table.internal.store.InMemoryStore;
import io.millrace.streams.table.internal.store.RocksDbResources;
import io.millrace.streams.table.internal.store.RocksDbStore;

import static io.millrace.streams.table.TestTables.COUNTS;
import static io.millrace.streams.table.TestTables.text;
import static io.millrace.streams.table.TestTables.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StoredTablePartition}: the exactly-once overlay, restoring, checkpoints and what the endpoint sees.
 */
class TablePartitionTests {

    private static final String CHANGELOG = "app-counts-changelog";

    @TempDir
    Path tempDir;

    private final RocksDbResources rocksDb = new RocksDbResources(8 << 20, 4 << 20, (table, options) -> {
    });

    private final List<StoredTablePartition> opened = new ArrayList<>();

    @AfterEach
    void close() {
        this.opened.forEach((partition) -> partition.close(false));
        this.rocksDb.close();
    }

    @Test
    void underExactlyOnceFinishedWritesStayOutOfTheStoreUntilTheCommitButAreRead() {
        InMemoryStore store = new InMemoryStore();
        store.put(utf8("pear"), utf8("7"));
        store.put(utf8("plum"), utf8("3"));
        StoredTablePartition partition = memory(store, true);
        partition.apply(List.of(new KeyValue(utf8("apple"), utf8("1")), new KeyValue(utf8("pear"), null)));
        partition.apply(List.of(new KeyValue(utf8("plum"), utf8("4"))));

        assertThat(store.get(utf8("apple"))).isNull();
        assertThat(text(store.get(utf8("pear")))).isEqualTo("7");
        assertThat(text(store.get(utf8("plum")))).isEqualTo("3");
        assertThat(text(partition.get(utf8("apple")))).isEqualTo("1");
        assertThat(partition.get(utf8("pear"))).isNull();
        assertThat(text(partition.get(utf8("plum")))).isEqualTo("4");
        assertThat(entries(partition)).containsExactly("apple=1", "plum=4");
        assertThat(partition.view().written()).isEqualTo(3);

        partition.commit();
        assertThat(text(store.get(utf8("apple")))).isEqualTo("1");
        assertThat(store.get(utf8("pear"))).isNull();
        assertThat(text(store.get(utf8("plum")))).isEqualTo("4");
        assertThat(entries(partition)).containsExactly("apple=1", "plum=4");
        assertThat(partition.approximateSize()).isEqualTo(2);
    }

    @Test
    void underExactlyOnceAnAbortForgetsTheOpenTransactionsWrites() {
        InMemoryStore store = new InMemoryStore();
        store.put(utf8("pear"), utf8("7"));
        StoredTablePartition partition = memory(store, true);
        partition.apply(List.of(new KeyValue(utf8("apple"), utf8("1")), new KeyValue(utf8("pear"), null)));
        partition.abort();
        assertThat(partition.get(utf8("apple"))).isNull();
        assertThat(text(partition.get(utf8("pear")))).isEqualTo("7");
        assertThat(entries(partition)).containsExactly("pear=7");
        partition.commit();
        assertThat(store.get(utf8("apple"))).isNull();
        assertThat(text(store.get(utf8("pear")))).isEqualTo("7");
    }

    @Test
    void underAtLeastOnceWritesAreReadAtOnceAndReachTheStoreInABatchAtTheCommit() {
        InMemoryStore store = new InMemoryStore();
        store.put(utf8("pear"), utf8("7"));
        StoredTablePartition partition = memory(store, false);
        partition.apply(List.of(new KeyValue(utf8("apple"), utf8("1"))));
        partition.apply(List.of(new KeyValue(utf8("plum"), utf8("2")), new KeyValue(utf8("pear"), null)));
        assertThat(text(partition.get(utf8("apple")))).isEqualTo("1");
        assertThat(partition.get(utf8("pear"))).isNull();
        assertThat(store.get(utf8("apple"))).isNull();
        assertThat(text(store.get(utf8("pear")))).isEqualTo("7");
        // An abort is an exactly-once matter: finished writes stand under at-least-once.
        partition.abort();
        partition.commit();
        assertThat(text(store.get(utf8("apple")))).isEqualTo("1");
        assertThat(text(store.get(utf8("plum")))).isEqualTo("2");
        assertThat(store.get(utf8("pear"))).isNull();
        assertThat(partition.view().written()).isEqualTo(3);
    }

    @Test
    void underAtLeastOnceAFullBatchGoesToTheStoreWithoutWaitingForTheCheckpoint() {
        InMemoryStore store = new InMemoryStore();
        StoredTablePartition partition = memory(store, false);
        // Updates of waiting keys fold: they never fill the batch.
        for (int i = 0; i < 5 * WriteBuffer.MAX_BUFFERED_ENTRIES; i++) {
            partition.apply(List.of(new KeyValue(utf8("k" + (i % 100)), utf8("v" + i))));
        }
        partition.committed();
        assertThat(store.approximateCount()).isZero();
        for (int i = 100; i < WriteBuffer.MAX_BUFFERED_ENTRIES - 1; i++) {
            partition.apply(List.of(new KeyValue(utf8("k" + i), utf8("v" + i))));
        }
        assertThat(store.approximateCount()).isZero();
        partition.apply(List.of(new KeyValue(utf8("last"), utf8("1"))));
        assertThat(store.approximateCount()).isEqualTo(WriteBuffer.MAX_BUFFERED_ENTRIES);
        assertThat(text(store.get(utf8("k98"))))
            .isEqualTo("v" + (5 * WriteBuffer.MAX_BUFFERED_ENTRIES - 2));

        byte[] big = new byte[(int) WriteBuffer.MAX_BUFFERED_BYTES];
        partition.apply(List.of(new KeyValue(utf8("big"), big)));
        assertThat(store.get(utf8("big"))).hasSize(big.length);
    }

    @Test
    void underAtLeastOnceTheCheckpointCountsOnlyWritesAcknowledgedBeforeTheBatchThatHoldsThem() {
        StoredTablePartition partition = memory(new InMemoryStore(), false);
        partition.apply(List.of(new KeyValue(utf8("apple"), utf8("1"))));
        partition.acknowledged(0);
        assertThat(partition.changelogPosition()).isZero();
        partition.commit();
        assertThat(partition.changelogPosition()).isEqualTo(1);
        partition.apply(List.of(new KeyValue(utf8("apple"), utf8("2"))));
        partition.acknowledged(1);
        partition.checkpointNow();
        assertThat(partition.changelogPosition()).isEqualTo(2);
        assertThat(text(partition.store().get(utf8("apple")))).isEqualTo("2");
    }

    @Test
    void underAtLeastOnceClosingAppliesTheBufferedWrites(@TempDir Path dir) {
        StoredTablePartition partition = rocksDb(dir, 0, false);
        partition.apply(List.of(new KeyValue(utf8("apple"), utf8("1"))));
        partition.close(false);
        this.opened.remove(partition);
        StoredTablePartition reopened = rocksDb(dir, 0, false);
        assertThat(text(reopened.store().get(utf8("apple")))).isEqualTo("1");
    }

    @Test
    void restoredRecordsGoStraightToTheStoreEvenUnderExactlyOnceAndMoveThePosition() {
        InMemoryStore store = new InMemoryStore();
        store.put(utf8("gone"), utf8("1"));
        StoredTablePartition partition = memory(store, true);
        partition.restore(List.of(new KeyValue(utf8("apple"), utf8("1")), new KeyValue(utf8("apple"), utf8("2")),
                new KeyValue(utf8("gone"), null)), 3);
        assertThat(text(store.get(utf8("apple")))).isEqualTo("2");
        assertThat(store.get(utf8("gone"))).isNull();
        assertThat(partition.changelogPosition()).isEqualTo(3);
        // Transaction markers move the position without records; the position never goes back.
        partition.restore(List.of(), 5);
        partition.restore(List.of(), 4);
        assertThat(partition.changelogPosition()).isEqualTo(5);
        assertThat(partition.view().restored()).isEqualTo(3);
    }

    @Test
    void whileRestoringTheViewShowsWhatRemains() {
        StoredTablePartition partition = new StoredTablePartition(COUNTS, CHANGELOG, 4, new InMemoryStore(), 3, false);
        this.opened.add(partition);
        TablePartitionView before = partition.view();
        assertThat(before.role()).isEqualTo(Role.RESTORING);
        assertThat(before.restoreEnd()).isEqualTo(-1);
        assertThat(before.remaining()).isZero();

        partition.restoring(10);
        assertThat(partition.view()).satisfies((view) -> {
            assertThat(view.table()).isEqualTo("counts");
            assertThat(view.partition()).isEqualTo(4);
            assertThat(view.restoreStart()).isEqualTo(3);
            assertThat(view.restoreEnd()).isEqualTo(10);
            assertThat(view.remaining()).isEqualTo(7);
            assertThat(view.restored()).isZero();
            assertThat(view.changelogPosition()).isEqualTo(3);
            assertThat(view.checkpoint()).isEqualTo(-1);
        });
        partition.restore(List.of(new KeyValue(utf8("a"), utf8("1")), new KeyValue(utf8("b"), utf8("1"))), 5);
        assertThat(partition.view().remaining()).isEqualTo(5);
        assertThat(partition.view().restored()).isEqualTo(2);
        partition.restore(List.of(new KeyValue(utf8("c"), utf8("1"))), 10);
        assertThat(partition.view().remaining()).isZero();
        partition.role(Role.ACTIVE);
        assertThat(partition.view().remaining()).isZero();
        assertThat(partition.view().restored()).isEqualTo(3);

        // A new restore counts afresh from where the store is.
        partition.role(Role.RESTORING);
        partition.restoring(12);
        assertThat(partition.view().restoreStart()).isEqualTo(10);
        assertThat(partition.view().remaining()).isEqualTo(2);
        assertThat(partition.view().restored()).isZero();
    }

    @Test
    void theChangelogPositionIsTheFurthestOfRestoredAndAcknowledged() {
        StoredTablePartition partition = memory(new InMemoryStore(), false);
        partition.acknowledged(9);
        partition.acknowledged(4);
        partition.commit();
        assertThat(partition.changelogPosition()).isEqualTo(10);
        partition.restore(List.of(), 7);
        assertThat(partition.changelogPosition()).isEqualTo(10);
        partition.restore(List.of(), 12);
        assertThat(partition.changelogPosition()).isEqualTo(12);
    }

    @Test
    void aMemoryStoreIsNeverCheckpointed() {
        StoredTablePartition partition = memory(new InMemoryStore(), false);
        partition.acknowledged(4);
        partition.checkpoint();
        partition.checkpointNow();
        assertThat(partition.view().checkpoint()).isEqualTo(-1);
        assertThat(partition.view().changelogPosition()).isEqualTo(5);
    }

    @Test
    void aRocksDbStoreIsCheckpointedOnlyWhenItsPositionMoved() {
        Path dir = this.tempDir.resolve("counts").resolve("0");
        StoredTablePartition partition = rocksDb(dir, 0, false);
        partition.checkpointNow();
        assertThat(Checkpoint.read(dir)).isEmpty();

        partition.apply(List.of(new KeyValue(utf8("apple"), utf8("1"))));
        partition.acknowledged(4);
        partition.checkpointNow();
        assertThat(Checkpoint.read(dir)).hasValue(5);
        assertThat(partition.view().checkpoint()).isEqualTo(5);

        // Not moved: not written again.
        Checkpoint.delete(dir);
        partition.checkpointNow();
        assertThat(Checkpoint.read(dir)).isEmpty();

        partition.acknowledged(8);
        partition.checkpointNow();
        assertThat(Checkpoint.read(dir)).hasValue(9);
        assertThat(partition.view().checkpoint()).isEqualTo(9);
    }

    @Test
    void whileRunningACheckpointIsWrittenAtMostOnceASecond() {
        Path dir = this.tempDir.resolve("counts").resolve("4");
        MutableClock clock = new MutableClock();
        StoredTablePartition partition = rocksDb(dir, 0, false, clock);
        partition.acknowledged(0);
        partition.checkpoint();
        assertThat(Checkpoint.read(dir)).hasValue(1);
        partition.acknowledged(1);
        clock.advance(Duration.ofMillis(999));
        partition.checkpoint();
        assertThat(Checkpoint.read(dir)).hasValue(1);
        // Closing, or handing over, writes it at once.
        partition.checkpointNow();
        assertThat(Checkpoint.read(dir)).hasValue(2);
        partition.acknowledged(2);
        clock.advance(Duration.ofMillis(999));
        partition.checkpoint();
        assertThat(Checkpoint.read(dir)).hasValue(2);
        clock.advance(Duration.ofMillis(1));
        partition.checkpoint();
        assertThat(Checkpoint.read(dir)).hasValue(3);
    }

    @Test
    void underAtLeastOnceFinishedWritesReachTheStoreWithTheCheckpointNotWithEveryCommit() {
        Path dir = this.tempDir.resolve("counts").resolve("5");
        MutableClock clock = new MutableClock();
        StoredTablePartition partition = rocksDb(dir, 0, false, clock);
        partition.checkpoint();
        for (int i = 1; i <= 3; i++) {
            partition.apply(List.of(new KeyValue(utf8("apple"), utf8(Integer.toString(i)))));
            partition.acknowledged(i - 1);
            partition.committed();
            partition.checkpoint();
            clock.advance(Duration.ofMillis(300));
        }
        // The first commit's batch went at once; the next two commits, within a second of it, wait: the key is
        // read from the buffer and reaches RocksDB once for both.
        assertThat(text(partition.store().get(utf8("apple")))).isEqualTo("1");
        assertThat(text(partition.get(utf8("apple")))).isEqualTo("3");
        assertThat(Checkpoint.read(dir)).hasValue(1);
        clock.advance(Duration.ofMillis(100));
        partition.committed();
        partition.checkpoint();
        assertThat(text(partition.store().get(utf8("apple")))).isEqualTo("3");
        assertThat(Checkpoint.read(dir)).hasValue(3);
    }

    @Test
    void aRocksDbStoreOpenedAtACheckpointDoesNotRewriteIt() {
        Path dir = this.tempDir.resolve("counts").resolve("1");
        StoredTablePartition partition = rocksDb(dir, 7, false);
        assertThat(partition.view().checkpoint()).isEqualTo(7);
        partition.checkpointNow();
        assertThat(Checkpoint.read(dir)).isEmpty();
        partition.restore(List.of(new KeyValue(utf8("a"), utf8("1"))), 8);
        partition.checkpointNow();
        assertThat(Checkpoint.read(dir)).hasValue(8);
    }

    @Test
    void closingWithACheckpointFlushesAndCheckpointsAndTheStoreReopensWithItsEntries() {
        Path dir = this.tempDir.resolve("counts").resolve("2");
        StoredTablePartition partition = rocksDb(dir, 0, true);
        partition.apply(List.of(new KeyValue(utf8("apple"), utf8("1"))));
        partition.acknowledged(0);
        partition.commit();
        partition.apply(List.of(new KeyValue(utf8("pear"), utf8("1"))));
        partition.acknowledged(1);
        // The open transaction (pear) is dropped on close: only committed writes are in the store, and the
        // checkpoint stops before pear's changelog record, which a restore reads if its transaction committed.
        this.opened.remove(partition);
        partition.close(true);
        assertThat(Checkpoint.read(dir)).hasValue(1);

        StoredTablePartition reopened = rocksDb(dir, 1, true);
        assertThat(text(reopened.get(utf8("apple")))).isEqualTo("1");
        assertThat(reopened.get(utf8("pear"))).isNull();
    }

    @Test
    void underExactlyOnceThePositionCountsOnlyWritesOfCommittedTransactions() {
        Path dir = this.tempDir.resolve("counts").resolve("5");
        StoredTablePartition partition = rocksDb(dir, 0, true);
        partition.apply(List.of(new KeyValue(utf8("apple"), utf8("1"))));
        partition.acknowledged(0);
        partition.apply(List.of(new KeyValue(utf8("apple"), utf8("2"))));
        partition.acknowledged(1);
        assertThat(partition.changelogPosition()).isZero();
        partition.checkpointNow();
        assertThat(Checkpoint.read(dir)).isEmpty();

        partition.commit();
        assertThat(partition.changelogPosition()).isEqualTo(2);
        partition.checkpointNow();
        assertThat(Checkpoint.read(dir)).hasValue(2);

        // A transaction whose commit failed on this side (it may still have committed on the broker) is aborted
        // here: the store lacks its write, so the checkpoint must not pass it, or a restore would skip it.
        partition.apply(List.of(new KeyValue(utf8("apple"), utf8("3"))));
        partition.acknowledged(3);
        partition.abort();
        assertThat(partition.changelogPosition()).isEqualTo(2);
        this.opened.remove(partition);
        partition.close(true);
        assertThat(Checkpoint.read(dir)).hasValue(2);
    }

    @Test
    void underExactlyOnceACommitWithoutWritesStillMovesThePositionPastAbortedOnes() {
        StoredTablePartition partition = memory(new InMemoryStore(), true);
        partition.apply(List.of(new KeyValue(utf8("apple"), utf8("1"))));
        partition.acknowledged(0);
        partition.abort();
        partition.commit();
        assertThat(partition.changelogPosition()).isEqualTo(1);
        assertThat(partition.get(utf8("apple"))).isNull();
    }

    @Test
    void closingWithoutACheckpointWritesNone() {
        Path dir = this.tempDir.resolve("counts").resolve("3");
        StoredTablePartition partition = rocksDb(dir, 0, false);
        partition.apply(List.of(new KeyValue(utf8("apple"), utf8("1"))));
        partition.acknowledged(0);
        this.opened.remove(partition);
        partition.close(false);
        assertThat(Checkpoint.read(dir)).isEmpty();
    }

    @Test
    void queriesUnderExactlyOnceReadOnlyWhatCommittedTransactionsWrote() {
        InMemoryStore store = new InMemoryStore();
        store.put(utf8("pear"), utf8("7"));
        store.put(utf8("plum"), utf8("3"));
        StoredTablePartition partition = memory(store, true);
        partition.apply(List.of(new KeyValue(utf8("apple"), utf8("1")), new KeyValue(utf8("pear"), null),
                new KeyValue(utf8("plum"), utf8("4"))));

        // The open transaction's writes are the processor's, not the queries'.
        assertThat(partition.readCommitted(utf8("apple"))).isNull();
        assertThat(text(partition.readCommitted(utf8("pear")))).isEqualTo("7");
        assertThat(read(partition, null, 10)).containsExactly("pear=7", "plum=3");
        partition.abort();
        assertThat(read(partition, null, 10)).containsExactly("pear=7", "plum=3");

        partition.apply(List.of(new KeyValue(utf8("apple"), utf8("1")), new KeyValue(utf8("pear"), null)));
        partition.commit();
        assertThat(text(partition.readCommitted(utf8("apple")))).isEqualTo("1");
        assertThat(partition.readCommitted(utf8("pear"))).isNull();
        assertThat(read(partition, null, 10)).containsExactly("apple=1", "plum=3");
    }

    @Test
    void queriesUnderAtLeastOnceReadFinishedWritesOverTheStoreInKeyOrderAfterAKeyUpToALimit() {
        InMemoryStore store = new InMemoryStore();
        for (String fruit : List.of("apple", "cherry", "fig", "kiwi", "pear")) {
            store.put(utf8(fruit), utf8("1"));
        }
        StoredTablePartition partition = memory(store, false);
        partition.apply(List.of(new KeyValue(utf8("banana"), utf8("2")), new KeyValue(utf8("cherry"), null),
                new KeyValue(utf8("fig"), utf8("3")), new KeyValue(utf8("zucchini"), utf8("4"))));

        assertThat(text(partition.readCommitted(utf8("banana")))).isEqualTo("2");
        assertThat(partition.readCommitted(utf8("cherry"))).isNull();
        assertThat(read(partition, null, 100)).containsExactly("apple=1", "banana=2", "fig=3", "kiwi=1", "pear=1",
                "zucchini=4");
        assertThat(read(partition, null, 3)).containsExactly("apple=1", "banana=2", "fig=3");
        // After a key (exclusive), whether or not it exists, and past a deleted one.
        assertThat(read(partition, "banana", 2)).containsExactly("fig=3", "kiwi=1");
        assertThat(read(partition, "c", 2)).containsExactly("fig=3", "kiwi=1");
        assertThat(read(partition, "pear", 5)).containsExactly("zucchini=4");
        assertThat(read(partition, "zucchini", 5)).isEmpty();
        // A range, its end exclusive.
        assertThat(partition.readCommitted(utf8("banana"), utf8("kiwi"), 10).stream().map((entry) -> text(entry.key())))
            .containsExactly("banana", "fig");
        partition.commit();
        assertThat(read(partition, "banana", 2)).containsExactly("fig=3", "kiwi=1");
    }

    private static List<String> read(StoredTablePartition partition, String after, int limit) {
        List<String> seen = new ArrayList<>();
        partition.readCommitted((after != null) ? io.millrace.streams.table.LocalTables.after(utf8(after)) : null, null,
                limit)
            .forEach((entry) -> seen.add(text(entry.key()) + "=" + text(entry.value())));
        return seen;
    }

    private StoredTablePartition memory(InMemoryStore store, boolean exactlyOnce) {
        StoredTablePartition partition = new StoredTablePartition(COUNTS, CHANGELOG, 0, store, 0, exactlyOnce);
        partition.role(Role.ACTIVE);
        this.opened.add(partition);
        return partition;
    }

    private StoredTablePartition rocksDb(Path dir, long checkpoint, boolean exactlyOnce) {
        return rocksDb(dir, checkpoint, exactlyOnce, Clock.systemUTC());
    }

    private StoredTablePartition rocksDb(Path dir, long checkpoint, boolean exactlyOnce, Clock clock) {
        StoredTablePartition partition = new StoredTablePartition(COUNTS, CHANGELOG, 0,
                RocksDbStore.open(dir, "counts", this.rocksDb), checkpoint, exactlyOnce, clock);
        partition.role(Role.ACTIVE);
        this.opened.add(partition);
        return partition;
    }

    @Test
    void aRangeMergesThePendingWritesInItsBoundsInKeyOrderOverTheStore() {
        InMemoryStore store = new InMemoryStore();
        store.put(utf8("b"), utf8("1"));
        store.put(utf8("d"), utf8("1"));
        store.put(utf8("f"), utf8("1"));
        StoredTablePartition partition = memory(store, true);
        // Pending (a hash map, no order): inside, outside, over a stored key, deleting a stored key.
        partition.apply(List.of(new KeyValue(utf8("e"), utf8("2")), new KeyValue(utf8("a"), utf8("2")),
                new KeyValue(utf8("c"), utf8("2")), new KeyValue(utf8("d"), null), new KeyValue(utf8("b"), utf8("3")),
                new KeyValue(utf8("g"), utf8("2"))));

        List<String> seen = new ArrayList<>();
        partition.range(utf8("b"), utf8("f"), (key, value) -> seen.add(text(key) + "=" + text(value)));
        assertThat(seen).containsExactly("b=3", "c=2", "e=2");
        seen.clear();
        partition.range(utf8("c"), null, (key, value) -> seen.add(text(key) + "=" + text(value)));
        assertThat(seen).containsExactly("c=2", "e=2", "f=1", "g=2");
        seen.clear();
        partition.range(utf8("h"), null, (key, value) -> seen.add(text(key) + "=" + text(value)));
        assertThat(seen).isEmpty();

        partition.apply(List.of(new KeyValue(utf8("c"), utf8("5"))));
        assertThat(text(partition.get(utf8("c")))).isEqualTo("5");
        partition.commit();
        assertThat(entries(partition)).containsExactly("a=2", "b=3", "c=5", "e=2", "f=1", "g=2");
    }

    @Test
    void underAtLeastOnceACommitAppliesTheBatchAndLaterWritesAreReadBeforeTheNext() {
        InMemoryStore store = new InMemoryStore();
        StoredTablePartition partition = memory(store, false);
        partition.apply(List.of(new KeyValue(utf8("a"), utf8("1")), new KeyValue(utf8("b"), null)));
        partition.commit();
        assertThat(text(store.get(utf8("a")))).isEqualTo("1");
        assertThat(partition.approximateSize()).isEqualTo(1);
        partition.apply(List.of(new KeyValue(utf8("a"), utf8("2"))));
        assertThat(text(partition.get(utf8("a")))).isEqualTo("2");
        partition.commit();
        assertThat(text(store.get(utf8("a")))).isEqualTo("2");
        assertThat(entries(partition)).containsExactly("a=2");
    }

    @Test
    void underAtLeastOnceAWriteLeavesTheBufferOnceItIsBothInTheStoreAndSent() {
        InMemoryStore store = new InMemoryStore();
        StoredTablePartition partition = memory(store, false);
        // In the store first, sent later: read from the buffer meanwhile, sent once, then gone.
        partition.apply(List.of(new KeyValue(utf8("a"), utf8("1"))));
        partition.commit();
        assertThat(text(store.get(utf8("a")))).isEqualTo("1");
        assertThat(sent(partition)).containsExactly("a=1");
        assertThat(sent(partition)).as("sent once").isEmpty();
        // Sent first, in the store later.
        partition.apply(List.of(new KeyValue(utf8("b"), utf8("1"))));
        assertThat(sent(partition)).containsExactly("b=1");
        assertThat(store.get(utf8("b"))).isNull();
        assertThat(text(partition.get(utf8("b")))).isEqualTo("1");
        partition.commit();
        assertThat(text(store.get(utf8("b")))).isEqualTo("1");
        assertThat(partition.approximateSize()).isEqualTo(2);
        // Written again after its send: the newer value is sent and stored, the older one is not sent twice.
        partition.apply(List.of(new KeyValue(utf8("c"), utf8("1"))));
        assertThat(sent(partition)).containsExactly("c=1");
        partition.apply(List.of(new KeyValue(utf8("c"), utf8("2")), new KeyValue(utf8("a"), null)));
        partition.commit();
        assertThat(sent(partition)).containsExactlyInAnyOrder("c=2", "a=null");
        assertThat(sent(partition)).isEmpty();
        partition.commit();
        assertThat(entries(partition)).containsExactly("b=1", "c=2");
        // A failed changelog write of a key the buffer let go: its latest value, the store's, is sent again.
        partition.unacknowledged(utf8("b"), utf8("0"));
        assertThat(sent(partition)).containsExactly("b=1");
        assertThat(sent(partition)).isEmpty();
    }

    @Test
    void underAtLeastOnceWritersBatchesAndSendsRacingLeaveEveryKeysLastValueInTheStoreAndLastInTheChangelog()
            throws Exception {
        InMemoryStore store = new InMemoryStore();
        StoredTablePartition partition = memory(store, false);
        int writers = 2;
        int keys = 200;
        int rounds = 300;
        java.util.Map<String, String> lastSent = new java.util.concurrent.ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            // Each writer owns its keys, as a key's records go to one worker at a time.
            threads.add(new Thread(() -> {
                for (int round = 1; round <= rounds; round++) {
                    for (int key = 0; key < keys; key++) {
                        partition.apply(List.of(new KeyValue(utf8(writer + "-" + key), utf8(Integer.toString(round)))));
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        // The poll thread meanwhile: sends and batches, in both orders.
        int cycles = 0;
        while (threads.stream().anyMatch(Thread::isAlive) || cycles < 10) {
            if (cycles++ % 2 == 0) {
                partition.sendChangelog((record) -> lastSent.put(text(record.key()), text(record.value())));
                partition.commit();
            }
            else {
                partition.commit();
                partition.sendChangelog((record) -> lastSent.put(text(record.key()), text(record.value())));
            }
        }
        for (Thread thread : threads) {
            thread.join();
        }
        partition.sendChangelog((record) -> lastSent.put(text(record.key()), text(record.value())));
        partition.commit();
        for (int w = 0; w < writers; w++) {
            for (int key = 0; key < keys; key++) {
                String name = w + "-" + key;
                assertThat(text(store.get(utf8(name)))).as(name + " in the store").isEqualTo(Integer.toString(rounds));
                assertThat(lastSent.get(name)).as(name + " last sent").isEqualTo(Integer.toString(rounds));
            }
        }
        assertThat(partition.approximateSize()).isEqualTo(writers * keys);
        assertThat(sent(partition)).as("nothing left to send").isEmpty();
    }

    @Test
    void underAtLeastOnceAPartitionThatStopsBeingActiveLeavesNoWriteToHideWhatItsChangelogBrings() {
        InMemoryStore store = new InMemoryStore();
        StoredTablePartition partition = memory(store, false);
        partition.apply(List.of(new KeyValue(utf8("a"), utf8("1")), new KeyValue(utf8("b"), utf8("1"))));
        partition.commit();
        // Its changelog writes failed when it was revoked: kept as a standby, it tails the changelog.
        partition.role(Role.STANDBY);
        assertThat(text(store.get(utf8("b")))).isEqualTo("1");
        partition.restore(List.of(new KeyValue(utf8("a"), utf8("7"))), 1);
        assertThat(text(partition.get(utf8("a")))).isEqualTo("7");
        assertThat(text(partition.readCommitted(utf8("a")))).isEqualTo("7");
        assertThat(sent(partition)).isEmpty();
    }

    private static List<String> sent(StoredTablePartition partition) {
        List<String> records = new ArrayList<>();
        partition.sendChangelog((record) -> records.add(text(record.key()) + "="
                + ((record.value() != null) ? text(record.value()) : "null")));
        return records;
    }

    private static List<String> entries(StoredTablePartition partition) {
        List<String> seen = new ArrayList<>();
        partition.forEach((key, value) -> seen.add(text(key) + "=" + text(value)));
        return seen;
    }
}
