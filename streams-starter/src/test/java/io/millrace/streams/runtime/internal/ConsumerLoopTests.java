package io.millrace.streams.runtime.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.strategy.Commit;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;
import io.millrace.streams.strategy.ProcessingStrategy;
import io.millrace.streams.strategy.ProcessingStrategyFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConsumerLoop}, turn by turn on a {@link MockConsumer} with a fake pipeline.
 */
class ConsumerLoopTests {

    private static final TopicPartition P0 = new TopicPartition("in", 0);

    private static final TopicPartition P1 = new TopicPartition("in", 1);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

    private final FakeFactory factory = new FakeFactory();

    private final RecordingListener listener = new RecordingListener();

    private final StreamStats stats = new StreamStats();

    private final ConsumerLoop loop = new ConsumerLoop("in", this.consumer, this.factory, StreamSettings.DEFAULTS,
            this.stats, this.listener);

    @BeforeEach
    void beginningOffsets() {
        this.consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 10L));
    }

    @Test
    void anAssignmentBuildsThePipelineWithThePartitionsPositions() {
        assign(P0, P1);
        assertThat(this.factory.created).singleElement()
            .satisfies((strategy) -> assertThat(strategy.partitions).isEqualTo(Map.of(P0, 0L, P1, 10L)));
        assertThat(this.loop.view().assigned()).containsExactlyInAnyOrder(P0, P1);
    }

    @Test
    void recordsAreSubmittedInTheOrderTheyWereFetched() {
        assign(P0, P1);
        addRecords(P0, 0, 3);
        addRecords(P1, 10, 2);
        this.loop.runOnce();
        FakeStrategy strategy = this.factory.current();
        assertThat(strategy.offsets(P0)).containsExactly(0L, 1L, 2L);
        assertThat(strategy.offsets(P1)).containsExactly(10L, 11L);
        assertThat(this.stats.consumed()).isEqualTo(5);
        addRecords(P0, 3, 1);
        this.loop.runOnce();
        assertThat(strategy.offsets(P0)).containsExactly(0L, 1L, 2L, 3L);
        assertThat(strategy.calls).containsOnly("poll");
    }

    @Test
    void whenThePipelineRejectsTheBufferIsKeptAndEveryAssignedPartitionPausedUntilItDrains() {
        assign(P0, P1);
        FakeStrategy strategy = this.factory.current();
        strategy.accept(2);
        addRecords(P0, 0, 4);
        this.loop.runOnce();
        assertThat(strategy.offsets(P0)).containsExactly(0L, 1L);
        assertThat(this.consumer.paused()).containsExactlyInAnyOrder(P0, P1);
        assertThat(this.loop.view().paused()).containsExactlyInAnyOrder(P0, P1);

        addRecords(P0, 4, 1);
        this.loop.runOnce();
        assertThat(strategy.offsets(P0)).as("nothing more while rejecting").containsExactly(0L, 1L);
        assertThat(this.consumer.paused()).containsExactlyInAnyOrder(P0, P1);

        strategy.accept(Integer.MAX_VALUE);
        this.loop.runOnce();
        assertThat(strategy.offsets(P0)).as("buffered records first, in order").containsExactly(0L, 1L, 2L, 3L);
        assertThat(this.consumer.paused()).isEmpty();
        assertThat(this.loop.view().paused()).isEmpty();

        this.loop.runOnce();
        assertThat(strategy.offsets(P0)).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(this.stats.consumed()).isEqualTo(5);
    }

    @Test
    void anOperatorPausePausesEveryAssignedPartitionUntilResumed() {
        assign(P0, P1);
        this.loop.requestPause(true);
        this.loop.runOnce();
        assertThat(this.consumer.paused()).containsExactlyInAnyOrder(P0, P1);
        addRecords(P0, 0, 2);
        this.loop.runOnce();
        this.loop.runOnce();
        assertThat(this.factory.current().offsets(P0)).isEmpty();
        assertThat(this.loop.view().paused()).containsExactlyInAnyOrder(P0, P1);

        this.loop.requestPause(false);
        this.loop.runOnce();
        assertThat(this.consumer.paused()).isEmpty();
        this.loop.runOnce();
        assertThat(this.factory.current().offsets(P0)).containsExactly(0L, 1L);
    }

    @Test
    void reportedOffsetsAreCommittedAsynchronouslyOnTheLoopsNextTurn() {
        assign(P0, P1);
        this.factory.current().commit.commit(Map.of(P0, 3L, P1, 12L), false);
        assertThat(this.consumer.committed(Set.of(P0, P1))).doesNotContainKeys(P0, P1);
        this.loop.runOnce();
        assertThat(this.consumer.committed(Set.of(P0, P1))).containsEntry(P0, new OffsetAndMetadata(3))
            .containsEntry(P1, new OffsetAndMetadata(12));
        assertThat(this.listener.committed).containsExactly(Map.of(P0, new OffsetAndMetadata(3), P1,
                new OffsetAndMetadata(12)));
        this.loop.runOnce();
        assertThat(this.listener.committed).as("nothing new to commit").hasSize(1);
    }

    @Test
    void onRevocationThePipelineIsClosedAndJoinedAndItsOffsetsCommittedSynchronously() {
        assign(P0, P1);
        FakeStrategy first = this.factory.current();
        addRecords(P0, 0, 3);
        this.loop.runOnce();
        first.onJoin = () -> first.commit.commit(Map.of(P0, 3L), true);

        this.consumer.rebalance(List.of(P1));

        assertThat(first.calls).containsSubsequence("close", "join");
        assertThat(first.joinTimeout).isEqualTo(StreamSettings.DEFAULTS.shutdownTimeout());
        assertThat(this.listener.committed).containsExactly(Map.of(P0, new OffsetAndMetadata(3)));
        assertThat(this.factory.created).hasSize(2);
        assertThat(this.factory.current().partitions).isEqualTo(Map.of(P1, 10L));
        assertThat(this.loop.view().assigned()).containsExactly(P1);

        // MockConsumer answers committed() with 0 for a partition it does not own: take p0 back to read it.
        this.consumer.rebalance(List.of(P0, P1));
        assertThat(this.consumer.committed(Set.of(P0))).containsEntry(P0, new OffsetAndMetadata(3));
        assertThat(this.factory.current().partitions).isEqualTo(Map.of(P0, 3L, P1, 10L));
    }

    @Test
    void afterARebalanceTheKeptPartitionsResumeFromTheirFirstUnfinishedRecord() {
        assign(P0, P1);
        FakeStrategy first = this.factory.current();
        first.accept(0);
        addRecords(P1, 10, 3);
        this.loop.runOnce();
        // The pipeline took none of them, but an earlier turn reported p1 up to 11 as done.
        first.commit.commit(Map.of(P1, 11L), false);
        this.loop.runOnce();

        this.consumer.rebalance(List.of(P1));

        assertThat(this.consumer.position(P1)).isEqualTo(11L);
        addRecords(P1, 10, 3);
        this.loop.runOnce();
        this.loop.runOnce();
        assertThat(this.factory.current().offsets(P1)).containsExactly(11L, 12L);
    }

    @Test
    void anAssignmentThatAddsPartitionsRebuildsThePipelineForAllOfThem() {
        assign(P0);
        FakeStrategy first = this.factory.current();
        first.onJoin = () -> first.commit.commit(Map.of(P0, 0L), true);
        this.consumer.rebalance(List.of(P0, P1));
        assertThat(first.calls).containsSubsequence("close", "join");
        assertThat(this.factory.created).hasSize(2);
        assertThat(this.factory.current().partitions).isEqualTo(Map.of(P0, 0L, P1, 10L));
    }

    @Test
    void lostPartitionsAbandonTheirWorkAndCommitNothingForThem() {
        assign(P0, P1);
        FakeStrategy first = this.factory.current();
        first.commit.commit(Map.of(P0, 3L, P1, 12L), false);
        this.loop.onPartitionsLost(List.of(P0));
        assertThat(first.calls).contains("terminate").doesNotContain("join");
        assertThat(this.consumer.committed(Set.of(P0, P1))).doesNotContainKey(P0)
            .containsEntry(P1, new OffsetAndMetadata(12));
    }

    @Test
    void stoppingTheLoopJoinsThePipelineCommitsAndClosesTheConsumer() throws Exception {
        this.consumer.schedulePollTask(() -> this.consumer.rebalance(List.of(P0)));
        this.factory.onCreate = (strategy) -> strategy.onJoin = () -> strategy.commit.commit(Map.of(P0, 7L), true);
        Thread thread = new Thread(this.loop, "loop-under-test");
        thread.start();
        assertThat(this.factory.createdLatch.await(10, TimeUnit.SECONDS)).isTrue();
        this.loop.stop();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(thread.isAlive()).isFalse();
        assertThat(this.listener.failures).isEmpty();
        FakeStrategy strategy = this.factory.current();
        assertThat(strategy.calls).containsSubsequence("close", "join");
        assertThat(this.listener.committed).containsExactly(Map.of(P0, new OffsetAndMetadata(7)));
        assertThat(this.factory.shutdowns).hasValue(1);
        assertThat(this.consumer.closed()).isTrue();
        assertThat(this.loop.view().assigned()).isEmpty();
    }

    @Test
    void aFailureOfThePipelineIsReportedToTheLoopListenerAfterCommittingWhatWasDone() throws Exception {
        IllegalStateException failure = new IllegalStateException("send failed");
        this.consumer.schedulePollTask(() -> this.consumer.rebalance(List.of(P0)));
        this.factory.onCreate = (strategy) -> strategy.onPoll = () -> {
            strategy.commit.commit(Map.of(P0, 4L), false);
            throw failure;
        };
        Thread thread = new Thread(this.loop, "loop-under-test");
        thread.start();
        try {
            assertThat(this.listener.failed.await(10, TimeUnit.SECONDS)).isTrue();
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        finally {
            this.loop.stop();
        }
        assertThat(this.listener.failures).singleElement().isSameAs(failure);
        FakeStrategy strategy = this.factory.current();
        assertThat(strategy.calls).contains("terminate").doesNotContain("join");
        assertThat(this.listener.committed).containsExactly(Map.of(P0, new OffsetAndMetadata(4)));
        assertThat(this.factory.shutdowns).hasValue(1);
        assertThat(this.consumer.closed()).isTrue();
    }

    private void assign(TopicPartition... partitions) {
        this.consumer.subscribe(List.of("in"), this.loop);
        this.consumer.rebalance(List.of(partitions));
    }

    private void addRecords(TopicPartition partition, long from, int count) {
        for (long offset = from; offset < from + count; offset++) {
            this.consumer.addRecord(new ConsumerRecord<>(partition.topic(), partition.partition(), offset, 0L,
                    TimestampType.CREATE_TIME, -1, -1, ("k" + offset).getBytes(), ("v" + offset).getBytes(),
                    new RecordHeaders(), Optional.empty()));
        }
    }

    /** A pipeline that records what the loop does to it. */
    static final class FakeStrategy implements ProcessingStrategy<ConsumerRecord<byte[], byte[]>> {

        final Commit commit;

        final Map<TopicPartition, Long> partitions;

        final List<ConsumerRecord<byte[], byte[]>> submitted = new CopyOnWriteArrayList<>();

        final List<String> calls = new CopyOnWriteArrayList<>();

        volatile Duration joinTimeout;

        volatile Runnable onJoin = () -> {
        };

        volatile Runnable onPoll = () -> {
        };

        /** Submissions still accepted before rejecting. */
        private int capacity = Integer.MAX_VALUE;

        FakeStrategy(Commit commit, Map<TopicPartition, Long> partitions) {
            this.commit = commit;
            this.partitions = Map.copyOf(partitions);
        }

        void accept(int submissions) {
            this.capacity = submissions;
        }

        List<Long> offsets(TopicPartition partition) {
            return this.submitted.stream()
                .filter((record) -> record.topic().equals(partition.topic())
                        && record.partition() == partition.partition())
                .map(ConsumerRecord::offset)
                .toList();
        }

        @Override
        public void submit(Message<ConsumerRecord<byte[], byte[]>> message) {
            if (this.capacity <= 0) {
                throw MessageRejected.INSTANCE;
            }
            if (this.capacity != Integer.MAX_VALUE) {
                this.capacity--;
            }
            this.submitted.add(message.payload());
        }

        @Override
        public void poll() {
            this.calls.add("poll");
            this.onPoll.run();
        }

        @Override
        public void close() {
            this.calls.add("close");
        }

        @Override
        public void join(Duration timeout) {
            this.joinTimeout = timeout;
            this.calls.add("join");
            this.onJoin.run();
        }

        @Override
        public void terminate() {
            this.calls.add("terminate");
        }
    }

    /** Builds {@link FakeStrategy} pipelines and keeps them. */
    static final class FakeFactory implements ProcessingStrategyFactory {

        final List<FakeStrategy> created = new CopyOnWriteArrayList<>();

        final CountDownLatch createdLatch = new CountDownLatch(1);

        final AtomicInteger shutdowns = new AtomicInteger();

        volatile Consumer<FakeStrategy> onCreate = (strategy) -> {
        };

        FakeStrategy current() {
            assertThat(this.created).isNotEmpty();
            return this.created.get(this.created.size() - 1);
        }

        @Override
        public ProcessingStrategy<ConsumerRecord<byte[], byte[]>> createWithPartitions(Commit commit,
                Map<TopicPartition, Long> partitions) {
            FakeStrategy strategy = new FakeStrategy(commit, partitions);
            this.onCreate.accept(strategy);
            this.created.add(strategy);
            this.createdLatch.countDown();
            return strategy;
        }

        @Override
        public void shutdown() {
            this.shutdowns.incrementAndGet();
        }
    }

    /** Hears what the loop tells its stream. */
    static final class RecordingListener implements ConsumerLoop.LoopListener {

        final List<Map<TopicPartition, OffsetAndMetadata>> committed = new CopyOnWriteArrayList<>();

        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        final CountDownLatch failed = new CountDownLatch(1);

        @Override
        public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
            this.committed.add(Map.copyOf(offsets));
        }

        @Override
        public void failed(ConsumerLoop loop, Throwable ex) {
            this.failures.add(ex);
            this.failed.countDown();
        }
    }
}
