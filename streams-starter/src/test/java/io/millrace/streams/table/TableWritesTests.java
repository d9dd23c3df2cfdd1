package io.millrace.streams.table;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.millrace.streams.schema.Schemas;
import io.millrace.streams.table.internal.StoredTablePartition;

import static io.millrace.streams.table.TestTables.COUNTS;
import static io.millrace.streams.table.TestTables.text;
import static io.millrace.streams.table.TestTables.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TableWrites}: a record's own writes, seen by its reads, applied and sent to the changelog only
 * when it finishes.
 */
class TableWritesTests {

    private static final TableDefinition<String, String> NAMES = TableDefinition.of("names", Schemas.string(),
            Schemas.string());

    private final TestTables tables = new TestTables(false, COUNTS, NAMES);

    private final TableWrites writes = new TableWrites();

    private final StoredTablePartition counts2 = this.tables.partition("counts", 2);

    @Test
    void aKeyNotWrittenLooksUpAsNotWrittenByIdentity() {
        assertThat(this.writes.lookup(this.counts2, utf8("apple"))).isSameAs(TableWrites.NOT_WRITTEN);
        assertThat(this.writes.isEmpty()).isTrue();
    }

    @Test
    void theLatestWriteOfAKeyWinsAndADeleteLooksUpAsNull() {
        this.writes.add(this.counts2, utf8("apple"), utf8("1"));
        this.writes.add(this.counts2, utf8("apple"), utf8("2"));
        assertThat(text(this.writes.lookup(this.counts2, utf8("apple")))).isEqualTo("2");
        this.writes.add(this.counts2, utf8("apple"), null);
        byte[] deleted = this.writes.lookup(this.counts2, utf8("apple"));
        assertThat(deleted).isNull();
    }

    @Test
    void keysAreComparedByContentAndWritesBelongToTheirTablePartition() {
        StoredTablePartition counts0 = this.tables.partition("counts", 0);
        StoredTablePartition names2 = this.tables.partition("names", 2);
        this.writes.add(this.counts2, utf8("apple"), utf8("7"));
        assertThat(text(this.writes.lookup(this.counts2, "apple".getBytes()))).isEqualTo("7");
        assertThat(this.writes.lookup(counts0, utf8("apple"))).isSameAs(TableWrites.NOT_WRITTEN);
        assertThat(this.writes.lookup(names2, utf8("apple"))).isSameAs(TableWrites.NOT_WRITTEN);
    }

    @Test
    void ofGivesTheLatestWritePerKeyOfOneTablePartition() {
        StoredTablePartition counts0 = this.tables.partition("counts", 0);
        this.writes.add(this.counts2, utf8("b"), utf8("1"));
        this.writes.add(this.counts2, utf8("a"), utf8("1"));
        this.writes.add(counts0, utf8("c"), utf8("9"));
        this.writes.add(this.counts2, utf8("b"), null);
        assertThat(this.writes.of(this.counts2)).hasSize(2).satisfies((latest) -> {
            assertThat(latest.get(new TableWrites.ByteKey(utf8("a")))).isEqualTo(utf8("1"));
            assertThat(latest).containsKey(new TableWrites.ByteKey(utf8("b")));
            assertThat(latest.get(new TableWrites.ByteKey(utf8("b")))).isNull();
        });
        assertThat(this.writes.of(counts0)).containsOnlyKeys(new TableWrites.ByteKey(utf8("c")));
    }

    @Test
    void rollbackToAMarkForgetsOnlyTheWritesAfterIt() {
        this.writes.add(this.counts2, utf8("apple"), utf8("1"));
        int mark = this.writes.mark();
        this.writes.add(this.counts2, utf8("apple"), utf8("2"));
        this.writes.add(this.counts2, utf8("pear"), utf8("1"));
        this.writes.rollback(mark);
        assertThat(this.writes.mark()).isEqualTo(1);
        assertThat(text(this.writes.lookup(this.counts2, utf8("apple")))).isEqualTo("1");
        assertThat(this.writes.lookup(this.counts2, utf8("pear"))).isSameAs(TableWrites.NOT_WRITTEN);
        this.writes.rollback(0);
        assertThat(this.writes.isEmpty()).isTrue();
    }

    @Test
    void discardedWritesNeverReachTheStoreNorTheChangelog() {
        this.writes.add(this.counts2, utf8("apple"), utf8("1"));
        this.writes.add(this.counts2, utf8("pear"), utf8("1"));
        this.writes.discard();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        this.writes.finish(records);
        assertThat(records).isEmpty();
        assertThat(this.writes.isEmpty()).isTrue();
        assertThat(this.counts2.store().approximateCount()).isZero();
        assertThat(this.counts2.view().written()).isZero();
    }

    @Test
    void finishingOneWriteAppliesItAndKeepsItsChangelogRecordForTheCommit() {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(List.of(new ProducerRecord<>("out", utf8("x"))));
        this.writes.add(this.counts2, utf8("apple"), utf8("3"));
        this.writes.finish(records);
        // The changelog record does not travel with the outputs: the loop sends it before it commits the offsets.
        assertThat(records).extracting(ProducerRecord::topic).containsExactly("out");
        assertThat(unsent(this.counts2)).singleElement().satisfies((record) -> {
            assertThat(record.topic()).isEqualTo("app-counts-changelog");
            assertThat(record.partition()).isEqualTo(2);
            assertThat(text(record.key())).isEqualTo("apple");
            assertThat(text(record.value())).isEqualTo("3");
        });
        assertThat(unsent(this.counts2)).as("sent once").isEmpty();
        assertThat(text(this.counts2.get(utf8("apple")))).isEqualTo("3");
        this.counts2.commit();
        assertThat(text(this.counts2.store().get(utf8("apple")))).isEqualTo("3");
        assertThat(this.counts2.view().written()).isEqualTo(1);
        assertThat(this.writes.isEmpty()).isTrue();
    }

    @Test
    void finishingSeveralWritesAppliesThemInOrderAcrossTablesAndTheChangelogGetsTheLatestOfEachKeyTombstonesIncluded() {
        StoredTablePartition names2 = this.tables.partition("names", 2);
        this.counts2.store().put(utf8("gone"), utf8("5"));
        this.writes.add(this.counts2, utf8("apple"), utf8("1"));
        this.writes.add(names2, utf8("apple"), utf8("Apple"));
        this.writes.add(this.counts2, utf8("apple"), utf8("2"));
        this.writes.add(this.counts2, utf8("gone"), null);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        this.writes.finish(records);

        assertThat(records).isEmpty();
        assertThat(unsent(this.counts2)).allSatisfy((record) -> assertThat(record.partition()).isEqualTo(2))
            .extracting((record) -> record.topic() + ":" + text(record.key()) + "=" + text(record.value()))
            .containsExactlyInAnyOrder("app-counts-changelog:apple=2", "app-counts-changelog:gone=null");
        assertThat(unsent(names2)).extracting((record) -> record.topic() + ":" + text(record.key()) + "="
                + text(record.value()))
            .containsExactly("app-names-changelog:apple=Apple");
        assertThat(text(this.counts2.get(utf8("apple")))).isEqualTo("2");
        assertThat(this.counts2.get(utf8("gone"))).isNull();
        assertThat(text(names2.get(utf8("apple")))).isEqualTo("Apple");
        this.counts2.commit();
        names2.commit();
        assertThat(text(this.counts2.store().get(utf8("apple")))).isEqualTo("2");
        assertThat(this.counts2.store().get(utf8("gone"))).isNull();
        assertThat(text(names2.store().get(utf8("apple")))).isEqualTo("Apple");
        assertThat(this.counts2.view().written()).isEqualTo(3);
        assertThat(names2.view().written()).isEqualTo(1);
        assertThat(this.writes.isEmpty()).isTrue();
    }

    @Test
    void anAcknowledgedChangelogRecordMovesItsPartitionsChangelogPositionAndAFailedOneIsSentAgain() {
        this.writes.add(this.counts2, utf8("apple"), utf8("1"));
        this.writes.finish(new ArrayList<>());
        ChangelogRecord record = unsent(this.counts2).get(0);
        record.onCompletion(null, new RuntimeException("not acknowledged"));
        assertThat(this.counts2.changelogPosition()).isZero();
        // Failed: it waits for the next send again, unless a newer value of its key waits.
        record = unsent(this.counts2).get(0);
        this.writes.add(this.counts2, utf8("apple"), utf8("2"));
        this.writes.finish(new ArrayList<>());
        record.onCompletion(null, new RuntimeException("not acknowledged"));
        assertThat(unsent(this.counts2)).extracting((again) -> text(again.value())).containsExactly("2");
        record.onCompletion(new RecordMetadata(new TopicPartition("app-counts-changelog", 2), 41, 0, 0, 0, 0), null);
        // The store's position moves once the store holds the write: with the next batch (a commit, a checkpoint).
        assertThat(this.counts2.changelogPosition()).isZero();
        this.counts2.commit();
        assertThat(this.counts2.changelogPosition()).isEqualTo(42);
    }

    /** What the partition sends to its changelog at the next commit (and no longer holds as unsent). */
    private static List<ChangelogRecord> unsent(StoredTablePartition partition) {
        List<ChangelogRecord> records = new ArrayList<>();
        partition.sendChangelog(records::add);
        return records;
    }

    @Test
    void underExactlyOnceFinishedWritesWaitForTheCommitButAreRead() {
        TestTables transactional = new TestTables(true, COUNTS);
        StoredTablePartition partition = transactional.partition("counts", 1);
        this.writes.add(partition, utf8("apple"), utf8("1"));
        this.writes.finish(new ArrayList<>());
        assertThat(partition.store().get(utf8("apple"))).isNull();
        assertThat(text(partition.get(utf8("apple")))).isEqualTo("1");
        partition.commit();
        assertThat(text(partition.store().get(utf8("apple")))).isEqualTo("1");
    }
}
