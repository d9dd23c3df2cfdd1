package io.millrace.streams.runtime.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.runtime.internal.ConsumerLoopTests.RecordingListener;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.strategy.step.MutableClock;
import io.millrace.streams.table.ChangelogRecord;
import io.millrace.streams.table.TableDefinition;
import io.millrace.streams.table.internal.StoredTablePartition;
import io.millrace.streams.table.internal.store.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link ExactlyOnceCommitter} alone, on a {@link MockProducer}'s transactions and a fake pipeline. The
 * producer, the pipeline and the tables write what they are asked into one log, so that tests read their order.
 */
class ExactlyOnceCommitterTests {

    private static final TopicPartition P0 = new TopicPartition("in", 0);

    private static final TopicPartition P1 = new TopicPartition("in", 1);

    private static final Duration INTERVAL = Duration.ofMillis(100);

    private static final ConsumerGroupMetadata GROUP = new ConsumerGroupMetadata("orders", 7, "member-1",
            Optional.empty());

    private final List<String> calls = new ArrayList<>();

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest") {

        @Override
        public ConsumerGroupMetadata groupMetadata() {
            return GROUP;
        }
    };

    private final RecordingProducer producer = new RecordingProducer(this.calls);

    private final FakeLoopPipeline pipeline = new FakeLoopPipeline(this.calls);

    private final RecordingTableGate tables = new RecordingTableGate(this.calls);

    private final RecordingListener listener = new RecordingListener();

    private final MutableClock clock = new MutableClock();

    private final ExactlyOnceCommitter committer = new ExactlyOnceCommitter(new Transaction(this.producer),
            this.consumer, this.pipeline, this.tables, this.listener, new StreamStats(), INTERVAL, this.clock);

    @BeforeEach
    void assign() {
        this.consumer.assign(List.of(P0, P1));
        this.committer.init();
        this.committer.pipelineBuilt(Map.of(P0, 0L, P1, 10L));
    }

    @Test
    void initInitialisesTheProducersTransactions() {
        assertThat(this.producer.transactionInitialized()).isTrue();
        assertThat(this.producer.transactionInFlight()).isFalse();
    }

    @Test
    void aTransactionBeginsBeforeTheFirstSubmitOnly() {
        this.committer.beforeSubmit();
        this.committer.beforeSubmit();
        assertThat(this.producer.transactionInFlight()).isTrue();
        assertThat(this.calls).containsExactly("begin");
    }

    @Test
    void theIntervalRunsFromTheSubmitThatBeganTheTransaction() {
        this.committer.beforeSubmit();
        this.clock.advance(INTERVAL.dividedBy(2));
        this.committer.beforeSubmit();
        this.clock.advance(INTERVAL.dividedBy(2));
        this.committer.commitIfDue();
        assertThat(this.producer.transactionCommitted()).isTrue();
    }

    @Test
    void withoutAnOpenTransactionCommitIfDueIsIdle() {
        this.clock.advance(INTERVAL);
        assertThat(this.committer.commitIfDue()).isTrue();
        assertThat(this.calls).isEmpty();
    }

    @Test
    void beforeTheIntervalCommitIfDueDoesNothing() {
        this.committer.beforeSubmit();
        this.committer.finished(P0, 5);
        this.clock.advance(INTERVAL.minusMillis(1));
        assertThat(this.committer.commitIfDue()).as("idle").isFalse();
        assertThat(this.calls).containsExactly("begin");
        assertThat(this.producer.transactionInFlight()).isTrue();
    }

    @Test
    void afterTheIntervalTheDrainedPipelineCommitsItsOffsetsToTheTransactionAndIsRebuilt() {
        this.committer.beforeSubmit();
        this.committer.finished(P0, 5);
        this.committer.finished(P1, 12);
        this.clock.advance(INTERVAL);
        assertThat(this.committer.commitIfDue()).as("idle").isFalse();
        assertThat(this.calls).containsExactly("begin", "drain", "sendOffsets", "commit", "tables.committed",
                "rebuild");
        assertThat(this.producer.transactionCommitted()).isTrue();
        assertThat(this.producer.consumerGroupOffsetsHistory())
            .containsExactly(Map.of("orders", offsets(P0, 5, P1, 12)));
        assertThat(this.producer.groups).containsExactly(GROUP);
        assertThat(this.listener.committed).containsExactly(offsets(P0, 5, P1, 12));
        assertThat(this.tables.committed).containsExactly(Set.of(P0, P1));
        assertThat(this.committer.commitIfDue()).as("no transaction until the next submit").isTrue();
    }

    @Test
    void offsetsReportedWhileThePipelineDrainsCommitWithTheTransaction() {
        this.committer.beforeSubmit();
        this.committer.finished(P0, 5);
        this.pipeline.onDrain = () -> this.committer.finished(P0, 9);
        this.clock.advance(INTERVAL);
        this.committer.commitIfDue();
        assertThat(this.producer.consumerGroupOffsetsHistory()).containsExactly(Map.of("orders", offsets(P0, 9)));
    }

    @Test
    void theOffsetsCommittedAreThoseThePipelineMovedPastTheMarkersAndAnAbortRewindsThere() {
        this.pipeline.positions.put(P0, 6L);
        commitTransaction(P0, 5);
        assertThat(this.producer.consumerGroupOffsetsHistory()).containsExactly(Map.of("orders", offsets(P0, 6)));
        this.pipeline.drains = false;
        this.committer.beforeSubmit();
        this.committer.finished(P0, 9);
        this.clock.advance(INTERVAL);
        this.committer.commitIfDue();
        assertThat(this.pipeline.rewinds).containsExactly(Map.of(P0, 6L, P1, 10L));
    }

    @Test
    void aPipelineThatCannotBeDrainedAbortsAndRewindsToTheLastCommittedOffsets() {
        commitTransaction(P0, 5);
        this.calls.clear();
        this.pipeline.drains = false;
        this.committer.beforeSubmit();
        this.committer.finished(P0, 9);
        this.clock.advance(INTERVAL);
        assertThat(this.committer.commitIfDue()).isFalse();
        assertThat(this.calls).containsExactly("begin", "drain", "tables.aborted", "abort", "rewind", "rebuild");
        assertThat(this.producer.transactionAborted()).isTrue();
        assertThat(this.tables.aborted).containsExactly(Set.of(P0, P1));
        assertThat(this.pipeline.rewinds).containsExactly(Map.of(P0, 5L, P1, 10L));
        assertThat(this.producer.consumerGroupOffsetsHistory()).hasSize(1);
        assertThat(this.listener.committed).containsExactly(offsets(P0, 5));
    }

    @Test
    void theOffsetsOfAnAbortedTransactionAreNotCommittedByTheNext() {
        this.pipeline.drains = false;
        this.committer.beforeSubmit();
        this.committer.finished(P0, 5);
        this.clock.advance(INTERVAL);
        this.committer.commitIfDue();
        this.pipeline.drains = true;
        commitTransaction(P1, 12);
        assertThat(this.producer.consumerGroupOffsetsHistory()).containsExactly(Map.of("orders", offsets(P1, 12)));
        assertThat(this.listener.committed).containsExactly(offsets(P1, 12));
    }

    @Test
    void theTablesSendTheTransactionsWritesToTheirChangelogsInItBeforeItCommits() {
        StoredTablePartition counts = new StoredTablePartition(COUNTS, "app-counts-changelog", 0, new InMemoryStore(),
                0, true);
        this.tables.changelog.add(new ChangelogRecord(counts, utf8("apple"), utf8("3")));
        this.tables.changelog.add(new ChangelogRecord(counts, utf8("pear"), null));
        this.committer.beforeSubmit();
        this.committer.finished(P0, 5);
        this.clock.advance(INTERVAL);
        this.committer.commitIfDue();
        assertThat(this.calls).containsExactly("begin", "drain", "tables.sendChangelogs", "sendOffsets", "commit",
                "tables.committed", "rebuild");
        assertThat(this.producer.history()).extracting(ProducerRecord::topic, (record) -> text(record.key()),
                (record) -> text(record.value()))
            .containsExactly(tuple("app-counts-changelog", "apple", "3"), tuple("app-counts-changelog", "pear", null));
        // Acknowledged (called back): once the tables take the commit, the changelog position is past both.
        counts.commit();
        assertThat(counts.changelogPosition()).isEqualTo(2);
        counts.close(false);
    }

    @Test
    void aChangelogSendThatFailsAbortsAndRewinds() {
        StoredTablePartition counts = new StoredTablePartition(COUNTS, "app-counts-changelog", 0, new InMemoryStore(),
                0, true);
        this.tables.changelog.add(new ChangelogRecord(counts, utf8("apple"), utf8("3")));
        this.producer.sendException = new KafkaException("changelog down");
        this.committer.beforeSubmit();
        this.committer.finished(P0, 5);
        this.clock.advance(INTERVAL);
        this.committer.commitIfDue();
        assertThat(this.calls).containsExactly("begin", "drain", "tables.sendChangelogs", "tables.aborted", "abort",
                "rewind", "rebuild");
        assertThat(this.producer.transactionAborted()).isTrue();
        assertThat(this.tables.committed).isEmpty();
        assertThat(this.listener.committed).isEmpty();
        counts.close(false);
    }

    @Test
    void aCommitThatThrowsAbortsAndRewinds() {
        this.producer.commitTransactionException = new KafkaException("commit failed");
        this.committer.beforeSubmit();
        this.committer.finished(P0, 5);
        this.clock.advance(INTERVAL);
        this.committer.commitIfDue();
        assertThat(this.calls).containsExactly("begin", "drain", "sendOffsets", "tables.aborted", "abort", "rewind",
                "rebuild");
        assertThat(this.producer.transactionAborted()).isTrue();
        assertThat(this.pipeline.rewinds).containsExactly(Map.of(P0, 0L, P1, 10L));
        assertThat(this.listener.committed).isEmpty();
        assertThat(this.tables.committed).isEmpty();
        this.producer.commitTransactionException = null;
        commitTransaction(P1, 12);
        assertThat(this.producer.consumerGroupOffsetsHistory()).containsExactly(Map.of("orders", offsets(P1, 12)));
    }

    @Test
    void aFencedProducerRewindsAndFailsTheLoop() {
        this.committer.beforeSubmit();
        this.committer.finished(P0, 5);
        this.producer.fenceProducer();
        this.clock.advance(INTERVAL);
        assertThatExceptionOfType(ProducerFencedException.class).isThrownBy(this.committer::commitIfDue);
        assertThat(this.tables.aborted).containsExactly(Set.of(P0, P1));
        assertThat(this.pipeline.rewinds).containsExactly(Map.of(P0, 0L, P1, 10L));
        assertThat(this.listener.committed).isEmpty();
        assertThat(this.committer.failed()).isFalse();
    }

    @Test
    void aRevokeInTheMiddleOfATransactionCommitsItWhenThePipelineDrained() {
        this.committer.beforeSubmit();
        this.committer.finished(P0, 5);
        this.committer.commitNow();
        assertThat(this.calls).as("the loop rebuilds after the rebalance")
            .containsExactly("begin", "drain", "sendOffsets", "commit", "tables.committed");
        assertThat(this.producer.consumerGroupOffsetsHistory()).containsExactly(Map.of("orders", offsets(P0, 5)));
        assertThat(this.listener.committed).containsExactly(offsets(P0, 5));
    }

    @Test
    void aRevokeInTheMiddleOfATransactionAbortsAndRewindsWhenThePipelineDidNotDrain() {
        this.pipeline.drains = false;
        this.committer.beforeSubmit();
        this.committer.finished(P0, 5);
        this.committer.commitNow();
        assertThat(this.calls).containsExactly("begin", "drain", "tables.aborted", "abort", "rewind");
        assertThat(this.pipeline.rewinds).containsExactly(Map.of(P0, 0L, P1, 10L));
        assertThat(this.producer.consumerGroupOffsetsHistory()).isEmpty();
        assertThat(this.listener.committed).isEmpty();
    }

    @Test
    void commitNowWithoutAnOpenTransactionCommitsNothing() {
        this.committer.commitNow();
        assertThat(this.calls).containsExactly("drain");
        assertThat(this.listener.committed).isEmpty();
    }

    @Test
    void lostPartitionsAbortTheTransactionAndTheirOffsetsAreNeverCommitted() {
        this.committer.beforeSubmit();
        this.committer.finished(P0, 5);
        this.committer.finished(P1, 12);
        this.committer.lost(List.of(P0));
        assertThat(this.producer.transactionAborted()).isTrue();
        assertThat(this.tables.aborted).containsExactly(Set.of(P0, P1));
        assertThat(this.pipeline.rewinds).containsExactly(Map.of(P0, 0L, P1, 10L));
        // As the loop goes on: it commits what the pipeline left, p0 leaves, a pipeline is built for p1, whose
        // records come again.
        this.committer.commitNow();
        this.consumer.assign(List.of(P1));
        this.committer.forget(List.of(P0));
        this.pipeline.built = true;
        commitTransaction(P1, 12);
        assertThat(this.producer.consumerGroupOffsetsHistory()).containsExactly(Map.of("orders", offsets(P1, 12)));
        assertThat(this.listener.committed).containsExactly(offsets(P1, 12));
    }

    @Test
    void aPartitionAssignedAgainRewindsToItsNewResumeOffset() {
        this.committer.forget(List.of(P0));
        this.committer.pipelineBuilt(Map.of(P0, 20L, P1, 10L));
        this.pipeline.drains = false;
        this.committer.beforeSubmit();
        this.clock.advance(INTERVAL);
        this.committer.commitIfDue();
        assertThat(this.pipeline.rewinds).containsExactly(Map.of(P0, 20L, P1, 10L));
    }

    @Test
    void failedAbortsAndSaysTheStoresAreNotClean() {
        this.committer.beforeSubmit();
        this.committer.finished(P0, 5);
        assertThat(this.committer.failed()).isFalse();
        assertThat(this.calls).containsExactly("begin", "tables.aborted", "abort", "rewind");
        assertThat(this.producer.transactionAborted()).isTrue();
        assertThat(this.producer.consumerGroupOffsetsHistory()).isEmpty();
        assertThat(this.listener.committed).isEmpty();
    }

    @Test
    void failedDoesNotThrowWhenTheAbortDoes() {
        this.committer.beforeSubmit();
        this.producer.abortTransactionException = new KafkaException("abort failed");
        assertThat(this.committer.failed()).isFalse();
        assertThat(this.pipeline.rewinds).containsExactly(Map.of(P0, 0L, P1, 10L));
    }

    @Test
    void aForcedCommitCommitsNothingBecauseATransactionCommitsOnItsInterval() {
        this.committer.beforeSubmit();
        this.committer.finished(P0, 5);
        this.committer.forced();
        assertThat(this.calls).containsExactly("begin");
        assertThat(this.producer.transactionInFlight()).isTrue();
        assertThat(this.producer.consumerGroupOffsetsHistory()).isEmpty();
    }

    /** One transaction with one finished offset, committed on its interval. */
    private void commitTransaction(TopicPartition partition, long nextOffset) {
        this.committer.beforeSubmit();
        this.committer.finished(partition, nextOffset);
        this.clock.advance(INTERVAL);
        this.committer.commitIfDue();
        assertThat(this.producer.transactionCommitted()).as("committed").isTrue();
    }

    private static final TableDefinition<String, String> COUNTS = TableDefinition.of("counts", Schemas.string(),
            Schemas.string());

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(TopicPartition partition, long offset) {
        return Map.of(partition, new OffsetAndMetadata(offset));
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(TopicPartition first, long firstOffset,
            TopicPartition second, long secondOffset) {
        return Map.of(first, new OffsetAndMetadata(firstOffset), second, new OffsetAndMetadata(secondOffset));
    }

    /** A transactional producer that logs what it did and keeps the group metadata it was given. */
    static final class RecordingProducer extends MockProducer<byte[], byte[]> {

        final List<String> calls;

        final List<ConsumerGroupMetadata> groups = new ArrayList<>();

        RecordingProducer(List<String> calls) {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            this.calls = calls;
        }

        @Override
        public void beginTransaction() {
            super.beginTransaction();
            this.calls.add("begin");
        }

        @Override
        public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                ConsumerGroupMetadata group) {
            super.sendOffsetsToTransaction(offsets, group);
            this.calls.add("sendOffsets");
            this.groups.add(group);
        }

        @Override
        public void commitTransaction() {
            super.commitTransaction();
            this.calls.add("commit");
        }

        @Override
        public void abortTransaction() {
            super.abortTransaction();
            this.calls.add("abort");
        }
    }
}
