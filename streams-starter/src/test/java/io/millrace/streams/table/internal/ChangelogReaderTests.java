package io.millrace.streams.table.internal;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.millrace.streams.table.TablePartition.Role;
import io.millrace.streams.table.internal.store.InMemoryStore;

import static io.millrace.streams.table.TestTables.COUNTS;
import static io.millrace.streams.table.TestTables.text;
import static io.millrace.streams.table.TestTables.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChangelogReader}'s bookkeeping, one {@link ChangelogReader#turn() turn} at a time on the test's
 * thread, against a {@link MockConsumer}.
 */
class ChangelogReaderTests {

    private static final String TOPIC = "app-counts-changelog";

    private static final TopicPartition CHANGELOG = new TopicPartition(TOPIC, 0);

    private final Deque<MockConsumer<byte[], byte[]>> consumers = new ArrayDeque<>(
            List.of(consumer(), consumer()));

    private MockConsumer<byte[], byte[]> consumer = this.consumers.peek();

    private final List<Set<Integer>> caughtUp = new ArrayList<>();

    private StoredTablePartition replacement;

    private final ChangelogReader reader = new ChangelogReader("fruit", this.consumers::remove,
            (stale, end) -> this.replacement, this.caughtUp::add, Clock.systemUTC());

    @Test
    void aRestoreReadsFromTheCheckpointToTheEndOffsetThenCompletes() {
        StoredTablePartition table = table(2);
        this.reader.restore(List.of(table));
        assertThat(this.reader.state(CHANGELOG)).isEqualTo(ChangelogState.REGISTERED);
        this.consumer.updateEndOffsets(Map.of(CHANGELOG, 5L));
        fetch(0, 5);
        this.reader.turn();
        assertThat(this.reader.state(CHANGELOG)).isEqualTo(ChangelogState.COMPLETED);
        assertThat(table.role()).isEqualTo(Role.ACTIVE);
        assertThat(table.get(utf8("k1"))).isNull();
        assertThat(text(table.get(utf8("k2")))).isEqualTo("2");
        assertThat(text(table.get(utf8("k4")))).isEqualTo("4");
        assertThat(table.view().restoreStart()).isEqualTo(2);
        assertThat(table.view().restored()).isEqualTo(3);
        this.reader.turn();
        assertThat(this.reader.state(CHANGELOG)).isNull();
        assertThat(this.consumer.assignment()).isEmpty();
    }

    @Test
    void aRestoreAlreadyAtTheEndCompletesWithoutARecord() {
        StoredTablePartition table = table(5);
        this.reader.restore(List.of(table));
        this.consumer.updateEndOffsets(Map.of(CHANGELOG, 5L));
        this.reader.turn();
        assertThat(this.reader.state(CHANGELOG)).isEqualTo(ChangelogState.COMPLETED);
        assertThat(table.role()).isEqualTo(Role.ACTIVE);
    }

    @Test
    void aRestoreShortOfTheEndKeepsRestoring() {
        StoredTablePartition table = table(0);
        this.reader.restore(List.of(table));
        this.consumer.updateEndOffsets(Map.of(CHANGELOG, 10L));
        fetch(0, 5);
        this.reader.turn();
        assertThat(this.reader.state(CHANGELOG)).isEqualTo(ChangelogState.RESTORING);
        assertThat(table.changelogPosition()).isEqualTo(5);
        assertThat(table.role()).isEqualTo(Role.RESTORING);
        assertThat(table.view().remaining()).isEqualTo(5);
    }

    @Test
    void releasingAPartitionMidRestoreStopsReadingIt() {
        StoredTablePartition table = table(0);
        this.reader.restore(List.of(table));
        this.consumer.updateEndOffsets(Map.of(CHANGELOG, 10L));
        fetch(0, 5);
        this.reader.turn();
        this.reader.release(List.of(table));
        assertThat(this.reader.state(CHANGELOG)).isNull();
        this.reader.turn();
        assertThat(this.consumer.assignment()).isEmpty();
        assertThat(table.changelogPosition()).isEqualTo(5);
        assertThat(table.role()).isEqualTo(Role.RESTORING);
    }

    @Test
    void aPartitionReleasedAndRegisteredAgainBetweenTwoRoundsRestoresFromItsNewStore() {
        StoredTablePartition first = table(0);
        this.reader.restore(List.of(first));
        this.consumer.updateEndOffsets(Map.of(CHANGELOG, 10L));
        fetch(0, 5);
        this.reader.turn();
        assertThat(this.consumer.position(CHANGELOG)).isEqualTo(5);
        // Another consumer client of this instance takes the partition over with a fresh, empty store before the
        // reader's next round: the changelog partition stays assigned, and must be read again from 0.
        StoredTablePartition second = table(0);
        this.reader.release(List.of(first));
        this.reader.restore(List.of(second));
        fetch(0, 10);
        this.reader.turn();
        assertThat(this.reader.state(CHANGELOG)).isEqualTo(ChangelogState.COMPLETED);
        assertThat(second.view().restored()).isEqualTo(10);
        assertThat(text(second.get(utf8("k0")))).isEqualTo("0");
    }

    @Test
    void releasingAnotherPartitionOfTheSameChangelogKeepsTheRegisteredOne() {
        this.reader.restore(List.of(table(0)));
        this.reader.release(List.of(table(0)));
        assertThat(this.reader.state(CHANGELOG)).isEqualTo(ChangelogState.REGISTERED);
    }

    @Test
    void aStandbyTailsAndIsReportedOnceWhenItCatchesUp() {
        StoredTablePartition table = standby(0);
        this.reader.standby(List.of(table));
        assertThat(this.reader.state(CHANGELOG)).isEqualTo(ChangelogState.TAILING);
        this.consumer.updateEndOffsets(Map.of(CHANGELOG, 5L));
        fetch(0, 3);
        this.reader.turn();
        assertThat(this.reader.state(CHANGELOG)).isEqualTo(ChangelogState.TAILING);
        assertThat(this.caughtUp).isEmpty();
        fetch(3, 5);
        this.reader.turn();
        assertThat(this.reader.state(CHANGELOG)).isEqualTo(ChangelogState.CAUGHT_UP);
        assertThat(this.caughtUp).containsExactly(Set.of(0));
        this.consumer.updateEndOffsets(Map.of(CHANGELOG, 7L));
        fetch(5, 7);
        this.reader.turn();
        assertThat(this.reader.state(CHANGELOG)).isEqualTo(ChangelogState.CAUGHT_UP);
        assertThat(this.caughtUp).hasSize(1);
        assertThat(text(table.get(utf8("k6")))).isEqualTo("6");
        assertThat(table.role()).isEqualTo(Role.STANDBY);
    }

    @Test
    void aStandbyPromotedToActiveRestoresOnlyFromWhereItTailed() {
        StoredTablePartition table = standby(0);
        this.reader.standby(List.of(table));
        this.consumer.updateEndOffsets(Map.of(CHANGELOG, 3L));
        fetch(0, 3);
        this.reader.turn();
        table.role(Role.RESTORING);
        this.reader.restore(List.of(table));
        assertThat(this.reader.state(CHANGELOG)).isEqualTo(ChangelogState.REGISTERED);
        this.consumer.updateEndOffsets(Map.of(CHANGELOG, 5L));
        fetch(3, 5);
        this.reader.turn();
        assertThat(this.reader.state(CHANGELOG)).isEqualTo(ChangelogState.COMPLETED);
        assertThat(table.role()).isEqualTo(Role.ACTIVE);
        assertThat(table.view().restoreStart()).isEqualTo(3);
        assertThat(table.view().restored()).isEqualTo(2);
    }

    @Test
    void aCheckpointBeyondTheEndRestoresAnEmptyReplacementFromTheStart() {
        StoredTablePartition stale = table(9);
        this.replacement = table(0);
        this.reader.restore(List.of(stale));
        this.consumer.updateEndOffsets(Map.of(CHANGELOG, 2L));
        fetch(0, 2);
        this.reader.turn();
        assertThat(this.reader.state(CHANGELOG)).isEqualTo(ChangelogState.COMPLETED);
        assertThat(this.replacement.role()).isEqualTo(Role.ACTIVE);
        assertThat(text(this.replacement.get(utf8("k0")))).isEqualTo("0");
        assertThat(stale.role()).isEqualTo(Role.RESTORING);
    }

    @Test
    void aPartitionRevokedWhileItsResetWasDecidedIsDropped() {
        this.replacement = null;
        this.reader.restore(List.of(table(9)));
        this.consumer.updateEndOffsets(Map.of(CHANGELOG, 2L));
        this.reader.turn();
        assertThat(this.reader.state(CHANGELOG)).isNull();
        this.reader.turn();
        assertThat(this.consumer.assignment()).isEmpty();
    }

    @Test
    void aFailedConsumerIsReplacedAndTheRestoreReadsItsEndAgain() {
        StoredTablePartition table = table(0);
        this.reader.restore(List.of(table));
        this.consumer.updateEndOffsets(Map.of(CHANGELOG, 10L));
        fetch(0, 5);
        this.reader.turn();
        this.reader.consumerFailed();
        assertThat(this.consumer.closed()).isTrue();
        assertThat(this.reader.state(CHANGELOG)).isEqualTo(ChangelogState.REGISTERED);
        this.consumer = this.consumers.peek();
        this.consumer.updateEndOffsets(Map.of(CHANGELOG, 8L));
        fetch(0, 8);
        this.reader.turn();
        assertThat(this.consumer.assignment()).containsExactly(CHANGELOG);
        assertThat(this.reader.state(CHANGELOG)).isEqualTo(ChangelogState.COMPLETED);
        assertThat(table.view().restoreStart()).isEqualTo(5);
        assertThat(table.view().restored()).isEqualTo(3);
    }

    /** Records {@code [from, to)} of the changelog, fetched by the next poll (once the reader assigned it). */
    private void fetch(long from, long to) {
        MockConsumer<byte[], byte[]> consumer = this.consumer;
        consumer.schedulePollTask(() -> {
            for (long offset = from; offset < to; offset++) {
                consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, offset, utf8("k" + offset), utf8("" + offset)));
            }
        });
    }

    private static StoredTablePartition table(long checkpoint) {
        return new StoredTablePartition(COUNTS, TOPIC, 0, new InMemoryStore(), checkpoint, false);
    }

    private static StoredTablePartition standby(long checkpoint) {
        StoredTablePartition table = table(checkpoint);
        table.role(Role.STANDBY);
        return table;
    }

    private static MockConsumer<byte[], byte[]> consumer() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.updateBeginningOffsets(Map.of(CHANGELOG, 0L));
        return consumer;
    }
}
