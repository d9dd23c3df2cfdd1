package io.millrace.streams.runtime.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.runtime.internal.ConsumerLoopTests.FakeFactory;
import io.millrace.streams.runtime.internal.ConsumerLoopTests.RecordingListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failed asynchronous commit of {@link ConsumerLoop} (as during a cooperative rebalance) is not forgotten: it is
 * sent again, and at the latest with the final commit of a clean stop, so that the next owner of the partition does
 * not repeat records whose table writes are already in the changelog.
 */
class ConsumerLoopCommitRetryTests {

    private static final TopicPartition P0 = new TopicPartition("in", 0);

    private static final TopicPartition P1 = new TopicPartition("in", 1);

    private final HeldCommitsConsumer consumer = new HeldCommitsConsumer();

    private final FakeFactory factory = new FakeFactory();

    private final RecordingListener listener = new RecordingListener();

    private final ConsumerLoop loop = new ConsumerLoop("in", this.consumer, this.factory, StreamSettings.DEFAULTS,
            new StreamStats(), this.listener);

    @BeforeEach
    void assign() {
        this.consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        this.consumer.subscribe(List.of("in"), this.loop);
        this.consumer.rebalance(List.of(P0, P1));
    }

    @Test
    void aFailedCommitIsSentAgainOnTheNextTurn() {
        this.factory.current().commit.commit(Map.of(P0, 5L, P1, 3L), false);
        this.loop.runOnce();
        this.consumer.fail(0);
        this.loop.runOnce();
        assertThat(this.consumer.held).as("sent again").hasSize(1);
        assertThat(this.consumer.held.get(0).offsets).isEqualTo(Map.of(P0, new OffsetAndMetadata(5),
                P1, new OffsetAndMetadata(3)));
        this.consumer.succeed(0);
        assertThat(this.consumer.committed(Set.of(P0, P1))).containsEntry(P0, new OffsetAndMetadata(5))
            .containsEntry(P1, new OffsetAndMetadata(3));
        this.loop.runOnce();
        assertThat(this.consumer.held).as("nothing more to send").isEmpty();
    }

    @Test
    void aFailedCommitSupersededByALaterOneIsNotSentAgain() {
        this.factory.current().commit.commit(Map.of(P0, 5L, P1, 3L), false);
        this.loop.runOnce();
        this.factory.current().commit.commit(Map.of(P0, 8L), false);
        this.loop.runOnce();
        assertThat(this.consumer.held).hasSize(2);
        this.consumer.succeed(1);
        this.consumer.fail(0);
        this.loop.runOnce();
        // Only p1's offset of the failed commit is still the latest sent.
        assertThat(this.consumer.held).singleElement()
            .satisfies((commit) -> assertThat(commit.offsets).isEqualTo(Map.of(P1, new OffsetAndMetadata(3))));
        this.consumer.succeed(0);
        assertThat(this.consumer.committed(Set.of(P0, P1))).containsEntry(P0, new OffsetAndMetadata(8))
            .containsEntry(P1, new OffsetAndMetadata(3));
    }

    @Test
    void aCleanStopRightAfterAFailedCommitStillCommitsItsOffsets() throws Exception {
        this.factory.current().commit.commit(Map.of(P0, 5L), false);
        this.loop.runOnce();
        // The commit is still in flight when the loop stops; it fails while the loop finishes.
        this.consumer.failHeldOnNextSync = true;
        this.loop.stop();
        Thread thread = new Thread(this.loop, "loop-under-test");
        thread.start();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(thread.isAlive()).isFalse();
        assertThat(this.listener.failures).isEmpty();
        assertThat(this.listener.committed).containsExactly(Map.of(P0, new OffsetAndMetadata(5)));
    }

    @Test
    void aFailedCommitOfAPartitionThatLeftIsDropped() {
        this.factory.current().commit.commit(Map.of(P0, 5L, P1, 3L), false);
        this.loop.runOnce();
        this.consumer.rebalance(List.of(P1));
        this.consumer.fail(0);
        this.loop.runOnce();
        assertThat(this.consumer.held).singleElement()
            .satisfies((commit) -> assertThat(commit.offsets).isEqualTo(Map.of(P1, new OffsetAndMetadata(3))));
    }

    /** A consumer whose asynchronous commits wait until the test answers them. */
    static final class HeldCommitsConsumer extends MockConsumer<byte[], byte[]> {

        final List<HeldCommit> held = new ArrayList<>();

        /** The offsets of every synchronous commit, in order, the empty ones that wait for held commits too. */
        final List<Map<TopicPartition, OffsetAndMetadata>> synced = new ArrayList<>();

        volatile boolean failHeldOnNextSync;

        volatile boolean succeedHeldOnNextSync;

        /** Thrown by the next synchronous commit, after it completed the held ones. */
        volatile RuntimeException nextSyncFailure;

        HeldCommitsConsumer() {
            super("earliest");
        }

        @Override
        public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
                OffsetCommitCallback callback) {
            if (callback == null) {
                // MockConsumer's own synchronous commit.
                super.commitAsync(offsets, null);
                return;
            }
            this.held.add(new HeldCommit(Map.copyOf(offsets), callback));
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets,
                java.time.Duration timeout) {
            this.synced.add(Map.copyOf(offsets));
            // Like KafkaConsumer: a synchronous commit first completes the asynchronous ones in flight.
            if (this.failHeldOnNextSync) {
                this.failHeldOnNextSync = false;
                while (!this.held.isEmpty()) {
                    fail(0);
                }
            }
            if (this.succeedHeldOnNextSync) {
                this.succeedHeldOnNextSync = false;
                while (!this.held.isEmpty()) {
                    succeed(0);
                }
            }
            RuntimeException failure = this.nextSyncFailure;
            if (failure != null) {
                this.nextSyncFailure = null;
                throw failure;
            }
            super.commitSync(offsets, timeout);
        }

        synchronized void succeed(int index) {
            HeldCommit commit = this.held.remove(index);
            super.commitSync(commit.offsets);
            commit.callback.onComplete(commit.offsets, null);
        }

        synchronized void fail(int index) {
            HeldCommit commit = this.held.remove(index);
            commit.callback.onComplete(commit.offsets, new RebalanceInProgressException("rebalancing"));
        }
    }

    record HeldCommit(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
    }
}
