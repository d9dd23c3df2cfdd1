package io.millrace.streams.runtime.internal;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.runtime.internal.ConsumerLoopCommitRetryTests.HeldCommitsConsumer;
import io.millrace.streams.runtime.internal.ConsumerLoopTests.RecordingListener;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.strategy.step.MutableClock;
import io.millrace.streams.table.ChangelogRecord;
import io.millrace.streams.table.KeyValue;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.internal.StoredTablePartition;
import io.millrace.streams.table.internal.store.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link AtLeastOnceCommitter} alone, on a consumer whose asynchronous commits the test answers.
 */
class AtLeastOnceCommitterTests {

    private static final TopicPartition P0 = new TopicPartition("in", 0);

    private static final TopicPartition P1 = new TopicPartition("in", 1);

    private final HeldCommitsConsumer consumer = new HeldCommitsConsumer();

    private final FakeLoopPipeline pipeline = new FakeLoopPipeline();

    private final RecordingTableGate tables = new RecordingTableGate();

    private final RecordingListener listener = new RecordingListener();

    private final AtLeastOnceCommitter committer = new AtLeastOnceCommitter(this.consumer, this.pipeline,
            this.tables, this.listener, new StreamStats(), Duration.ofSeconds(5),
            Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));

    @BeforeEach
    void assign() {
        this.consumer.assign(List.of(P0, P1));
        this.committer.init();
    }

    @Test
    void finishedOffsetsOfSeveralPartitionsGoOutInOneAsynchronousCommit() {
        this.committer.finished(P0, 3);
        this.committer.finished(P1, 4);
        assertThat(this.committer.commitIfDue()).as("idle").isFalse();
        assertThat(this.consumer.held).singleElement()
            .satisfies((commit) -> assertThat(commit.offsets()).isEqualTo(offsets(P0, 3, P1, 4)));
        assertThat(this.consumer.synced).isEmpty();
    }

    @Test
    void aLaterOffsetOfAPartitionReplacesAnEarlierUnsentOne() {
        this.committer.finished(P0, 3);
        this.committer.finished(P0, 5);
        this.committer.commitIfDue();
        assertThat(this.consumer.held).singleElement()
            .satisfies((commit) -> assertThat(commit.offsets()).isEqualTo(offsets(P0, 5)));
    }

    @Test
    void withNothingFinishedCommitIfDueSaysIdle() {
        assertThat(this.committer.commitIfDue()).isTrue();
        this.committer.finished(P0, 3);
        assertThat(this.committer.commitIfDue()).isFalse();
        assertThat(this.committer.commitIfDue()).as("everything sent").isTrue();
        assertThat(this.consumer.held).hasSize(1);
    }

    @Test
    void theOffsetsSentAreThoseThePipelineMovedPastTheMarkers() {
        this.pipeline.positions.put(P0, 6L);
        this.committer.finished(P0, 5);
        this.committer.finished(P1, 4);
        this.committer.commitIfDue();
        assertThat(this.consumer.held).singleElement()
            .satisfies((commit) -> assertThat(commit.offsets()).isEqualTo(offsets(P0, 6, P1, 4)));
    }

    @Test
    void aSuccessfulAsynchronousCommitIsHeardByTheListenerAndTheTables() {
        this.committer.finished(P0, 3);
        this.committer.finished(P1, 4);
        this.committer.commitIfDue();
        assertThat(this.listener.committed).isEmpty();
        this.consumer.succeed(0);
        assertThat(this.listener.committed).containsExactly(offsets(P0, 3, P1, 4));
        assertThat(this.tables.committed).containsExactly(Set.of(P0, P1));
        assertThat(this.consumer.committed(Set.of(P0, P1))).isEqualTo(offsets(P0, 3, P1, 4));
    }

    @Test
    void aFailedAsynchronousCommitIsRetriedWithTheNextCommit() {
        this.committer.finished(P0, 5);
        this.committer.finished(P1, 3);
        this.committer.commitIfDue();
        this.consumer.fail(0);
        assertThat(this.listener.committed).isEmpty();
        assertThat(this.tables.committed).isEmpty();
        this.committer.finished(P0, 7);
        assertThat(this.committer.commitIfDue()).isFalse();
        assertThat(this.consumer.held).singleElement()
            .satisfies((commit) -> assertThat(commit.offsets()).isEqualTo(offsets(P0, 7, P1, 3)));
    }

    @Test
    void aFailedCommitSupersededByALaterOneIsNotRetried() {
        this.committer.finished(P0, 5);
        this.committer.finished(P1, 3);
        this.committer.commitIfDue();
        this.committer.finished(P0, 8);
        this.committer.commitIfDue();
        this.consumer.fail(0);
        this.committer.commitIfDue();
        // The later commit of p0 is still in flight; only p1's offset of the failed commit goes again.
        assertThat(this.consumer.held).extracting((commit) -> commit.offsets())
            .containsExactly(offsets(P0, 8), offsets(P1, 3));
    }

    @Test
    void aFailedCommitWhollySupersededLeavesNothingToCommit() {
        this.committer.finished(P0, 5);
        this.committer.commitIfDue();
        this.committer.finished(P0, 8);
        this.committer.commitIfDue();
        this.consumer.fail(0);
        assertThat(this.committer.commitIfDue()).isTrue();
        assertThat(this.consumer.held).extracting((commit) -> commit.offsets()).containsExactly(offsets(P0, 8));
    }

    @Test
    void aFailedCommitOfAPartitionThatLeftIsDropped() {
        this.committer.finished(P0, 5);
        this.committer.finished(P1, 3);
        this.committer.commitIfDue();
        this.consumer.assign(List.of(P1));
        this.consumer.fail(0);
        this.committer.commitIfDue();
        assertThat(this.consumer.held).singleElement()
            .satisfies((commit) -> assertThat(commit.offsets()).isEqualTo(offsets(P1, 3)));
    }

    @Test
    void commitNowCompletesThePendingAsynchronousCommitsBeforeItsSynchronousCommit() {
        this.committer.finished(P0, 5);
        this.committer.commitIfDue();
        this.committer.finished(P1, 3);
        this.consumer.succeedHeldOnNextSync = true;
        this.committer.commitNow();
        assertThat(this.consumer.held).isEmpty();
        assertThat(this.consumer.synced).as("an empty commit waits for the pending one")
            .containsExactly(Map.of(), offsets(P1, 3));
        assertThat(this.listener.committed).containsExactly(offsets(P0, 5), offsets(P1, 3));
        assertThat(this.tables.committed).containsExactly(Set.of(P0), Set.of(P1));
        assertThat(this.consumer.committed(Set.of(P0, P1))).isEqualTo(offsets(P0, 5, P1, 3));
    }

    @Test
    void aPendingCommitThatFailsWhileCommitNowWaitsIsCommittedSynchronously() {
        this.committer.finished(P0, 5);
        this.committer.commitIfDue();
        this.committer.finished(P1, 3);
        this.consumer.failHeldOnNextSync = true;
        this.committer.commitNow();
        assertThat(this.consumer.synced).containsExactly(Map.of(), offsets(P0, 5, P1, 3));
        assertThat(this.listener.committed).containsExactly(offsets(P0, 5, P1, 3));
        assertThat(this.tables.committed).containsExactly(Set.of(P0, P1));
    }

    @Test
    void commitNowCommitsSynchronouslyAndIsHeardByTheListenerAndTheTables() {
        this.committer.finished(P0, 5);
        this.committer.commitNow();
        assertThat(this.consumer.synced).as("nothing pending to wait for").containsExactly(offsets(P0, 5));
        assertThat(this.consumer.held).isEmpty();
        assertThat(this.listener.committed).containsExactly(offsets(P0, 5));
        assertThat(this.tables.committed).containsExactly(Set.of(P0));
        assertThat(this.consumer.committed(Set.of(P0))).isEqualTo(offsets(P0, 5));
    }

    @Test
    void offsetsWaitUntilTheChangelogWritesOfTheirTablesAreAcknowledged() {
        MockProducer<byte[], byte[]> producer = producer(false);
        AtLeastOnceCommitter committer = committer(producer, this.clock);
        StoredTablePartition counts = counts();
        this.tables.changelog.add(new ChangelogRecord(counts, utf8("apple"), utf8("3")));
        this.tables.changelog.add(new ChangelogRecord(counts, utf8("pear"), null));
        committer.finished(P0, 5);
        assertThat(committer.commitIfDue()).as("idle").isFalse();
        assertThat(this.calls).containsExactly("tables.sendChangelogs");
        assertThat(producer.history()).extracting((record) -> new String(record.key(), StandardCharsets.UTF_8))
            .containsExactly("apple", "pear");
        assertThat(this.consumer.held).as("the offsets wait for the writes").isEmpty();
        producer.completeNext();
        assertThat(committer.commitIfDue()).isFalse();
        assertThat(this.consumer.held).as("one write still unacknowledged").isEmpty();
        producer.completeNext();
        committer.commitIfDue();
        assertThat(this.consumer.held).singleElement()
            .satisfies((commit) -> assertThat(commit.offsets()).isEqualTo(offsets(P0, 5)));
        // Offsets finished meanwhile wait for the next commit, with the writes taken since.
        committer.finished(P0, 9);
        committer.commitIfDue();
        assertThat(this.calls).containsExactly("tables.sendChangelogs", "tables.sendChangelogs");
        counts.close(false);
    }

    @Test
    void aChangelogWriteThatFailsHoldsItsOffsetsForTheNextCommit() {
        MockProducer<byte[], byte[]> producer = producer(false);
        AtLeastOnceCommitter committer = committer(producer, this.clock);
        StoredTablePartition counts = counts();
        counts.apply(List.of(new KeyValue(utf8("apple"), utf8("3"))));
        counts.sendChangelog(this.tables.changelog::add);
        committer.finished(P0, 5);
        committer.commitIfDue();
        producer.errorNext(new KafkaException("changelog down"));
        committer.commitIfDue();
        assertThat(this.consumer.held).isEmpty();
        // The failed write went back to its table, to be sent again.
        List<ChangelogRecord> again = new ArrayList<>();
        counts.sendChangelog(again::add);
        assertThat(again).extracting((record) -> new String(record.value(), StandardCharsets.UTF_8))
            .containsExactly("3");
        // The next commit sends the table's writes again and commits the offsets held back.
        committer.finished(P1, 2);
        committer.commitIfDue();
        producer.completeNext();
        committer.commitIfDue();
        assertThat(this.consumer.held).singleElement()
            .satisfies((commit) -> assertThat(commit.offsets()).isEqualTo(offsets(P0, 5, P1, 2)));
        counts.close(false);
    }

    @Test
    void commitNowWaitsForTheChangelogWritesAndCommitsWhatTheyHeldBackWithTheRest() {
        MockProducer<byte[], byte[]> producer = producer(true);
        AtLeastOnceCommitter committer = committer(producer, this.clock);
        StoredTablePartition counts = counts();
        this.tables.changelog.add(new ChangelogRecord(counts, utf8("apple"), utf8("3")));
        committer.finished(P0, 5);
        committer.commitIfDue();
        committer.finished(P1, 2);
        committer.commitNow();
        assertThat(this.consumer.synced).containsExactly(offsets(P0, 5, P1, 2));
        assertThat(producer.history()).hasSize(2);
        counts.close(false);
    }

    @Test
    void writesWithoutOffsetsToCommitGoToTheChangelogOncePerCommitInterval() {
        MockProducer<byte[], byte[]> producer = producer(true);
        MutableClock clock = new MutableClock();
        AtLeastOnceCommitter committer = committer(producer, clock);
        StoredTablePartition counts = counts();
        clock.advance(Duration.ofSeconds(1));
        assertThat(committer.commitIfDue()).as("nothing to send, nothing to commit").isTrue();
        this.tables.changelog.add(new ChangelogRecord(counts, utf8("apple"), utf8("3")));
        clock.advance(Duration.ofMillis(999));
        assertThat(committer.commitIfDue()).isTrue();
        assertThat(producer.history()).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(committer.commitIfDue()).isFalse();
        assertThat(producer.history()).hasSize(1);
        assertThat(committer.commitIfDue()).as("acknowledged, nothing to commit").isFalse();
        assertThat(this.consumer.held).isEmpty();
        counts.close(false);
    }

    private final List<String> calls = this.tables.calls;

    private final MutableClock clock = new MutableClock();

    private AtLeastOnceCommitter committer(MockProducer<byte[], byte[]> producer, java.time.Clock clock) {
        return new AtLeastOnceCommitter(this.consumer, this.pipeline, this.tables, this.listener, new StreamStats(),
                Duration.ofSeconds(5), clock, producer, Duration.ofSeconds(1));
    }

    private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static StoredTablePartition counts() {
        return new StoredTablePartition(TableDefinition.of("counts", Schemas.string(), Schemas.string()),
                "app-counts-changelog", 0, new InMemoryStore(), 0, false);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void commitNowWithNothingFinishedCommitsNothing() {
        this.committer.commitNow();
        assertThat(this.consumer.synced).isEmpty();
        assertThat(this.listener.committed).isEmpty();
    }

    @Test
    void aForcedCommitIsSynchronous() {
        this.committer.finished(P0, 5);
        this.committer.forced();
        assertThat(this.consumer.synced).containsExactly(offsets(P0, 5));
        assertThat(this.consumer.held).isEmpty();
        assertThat(this.committer.commitIfDue()).isTrue();
    }

    @Test
    void aSynchronousCommitThatFailsIsNotHeardAndDoesNotThrow() {
        this.committer.finished(P0, 5);
        this.consumer.nextSyncFailure = new RebalanceInProgressException("rebalancing");
        assertThatNoException().isThrownBy(this.committer::commitNow);
        assertThat(this.listener.committed).isEmpty();
        assertThat(this.tables.committed).isEmpty();
    }

    @Test
    void aFailedForcedCommitIsRetriedWithTheNextCommit() {
        this.committer.finished(P0, 5);
        this.consumer.nextSyncFailure = new RebalanceInProgressException("rebalancing");
        this.committer.forced();
        assertThat(this.committer.commitIfDue()).isFalse();
        assertThat(this.consumer.held).singleElement()
            .satisfies((commit) -> assertThat(commit.offsets()).isEqualTo(offsets(P0, 5)));
    }

    @Test
    void lostPartitionsAreNeverCommitted() {
        this.committer.finished(P0, 5);
        this.committer.finished(P1, 3);
        this.committer.lost(List.of(P0));
        this.committer.commitNow();
        assertThat(this.consumer.synced).containsExactly(offsets(P1, 3));
        assertThat(this.consumer.committed(Set.of(P0))).doesNotContainKey(P0);
        assertThat(this.listener.committed).containsExactly(offsets(P1, 3));
    }

    @Test
    void aPendingCommitOfALostPartitionThatFailsIsNotRetried() {
        this.committer.finished(P0, 5);
        this.committer.finished(P1, 3);
        this.committer.commitIfDue();
        // While the loop hears of the loss, the consumer still lists the lost partition as assigned.
        this.committer.lost(List.of(P0));
        this.consumer.fail(0);
        this.committer.commitIfDue();
        assertThat(this.consumer.held).singleElement()
            .satisfies((commit) -> assertThat(commit.offsets()).isEqualTo(offsets(P1, 3)));
    }

    @Test
    void failedCommitsWhatFinishedAndSaysTheStoresAreClean() {
        this.committer.finished(P0, 5);
        this.committer.commitIfDue();
        this.committer.finished(P1, 3);
        this.consumer.failHeldOnNextSync = true;
        assertThat(this.committer.failed()).isTrue();
        assertThat(this.consumer.committed(Set.of(P0, P1))).isEqualTo(offsets(P0, 5, P1, 3));
        assertThat(this.listener.committed).containsExactly(offsets(P0, 5, P1, 3));
    }

    @Test
    void failedDoesNotThrowWhenTheCommitDoes() {
        this.committer.finished(P0, 5);
        this.consumer.nextSyncFailure = new IllegalStateException("closed");
        assertThat(this.committer.failed()).isTrue();
        assertThat(this.listener.committed).isEmpty();
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(TopicPartition partition, long offset) {
        return Map.of(partition, new OffsetAndMetadata(offset));
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(TopicPartition first, long firstOffset,
            TopicPartition second, long secondOffset) {
        return Map.of(first, new OffsetAndMetadata(firstOffset), second, new OffsetAndMetadata(secondOffset));
    }
}
