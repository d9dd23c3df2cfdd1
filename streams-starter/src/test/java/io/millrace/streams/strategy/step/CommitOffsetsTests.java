package io.millrace.streams.strategy.step;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.millrace.streams.strategy.Commit;
import io.millrace.streams.strategy.Message;

import static io.millrace.streams.strategy.step.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CommitOffsets}, on a clock the test moves.
 */
class CommitOffsetsTests {

    private static final TopicPartition IN_0 = new TopicPartition("in", 0);

    private static final TopicPartition IN_1 = new TopicPartition("in", 1);

    private final MutableClock clock = new MutableClock();

    private final RecordingCommit commit = new RecordingCommit();

    private final CommitOffsets<String> commitOffsets = new CommitOffsets<>(this.commit, Duration.ofSeconds(1), 3,
            this.clock);

    @Test
    void nothingIsCommittedBeforeTheIntervalPassesOrEnoughRecordsArrive() {
        submit(0, 0);
        submit(0, 1);
        this.clock.advance(Duration.ofMillis(999));
        this.commitOffsets.poll();
        assertThat(this.commit.commits).isEmpty();
    }

    @Test
    void offsetsAreCommittedOnceMaxRecordsMessagesArrived() {
        submit(0, 0);
        submit(0, 1);
        this.commitOffsets.poll();
        submit(0, 2);
        this.commitOffsets.poll();
        assertThat(this.commit.commits).containsExactly(new Committed(Map.of(IN_0, 3L), false));
    }

    @Test
    void offsetsAreCommittedOnceTheIntervalPassed() {
        submit(0, 0);
        this.clock.advance(Duration.ofSeconds(1));
        this.commitOffsets.poll();
        assertThat(this.commit.commits).containsExactly(new Committed(Map.of(IN_0, 1L), false));
    }

    @Test
    void theIntervalStartsAgainAfterEachCommit() {
        submit(0, 0);
        this.clock.advance(Duration.ofSeconds(1));
        this.commitOffsets.poll();
        submit(0, 1);
        this.clock.advance(Duration.ofMillis(500));
        this.commitOffsets.poll();
        assertThat(this.commit.commits).hasSize(1);
        this.clock.advance(Duration.ofMillis(500));
        this.commitOffsets.poll();
        assertThat(this.commit.commits).containsExactly(new Committed(Map.of(IN_0, 1L), false),
                new Committed(Map.of(IN_0, 2L), false));
    }

    @Test
    void theRecordCountStartsAgainAfterEachCommit() {
        submit(0, 0);
        submit(0, 1);
        submit(0, 2);
        this.commitOffsets.poll();
        submit(0, 3);
        submit(0, 4);
        this.commitOffsets.poll();
        assertThat(this.commit.commits).hasSize(1);
    }

    @Test
    void anIdleIntervalCommitsNothing() {
        this.clock.advance(Duration.ofSeconds(5));
        this.commitOffsets.poll();
        submit(0, 0);
        this.clock.advance(Duration.ofSeconds(1));
        this.commitOffsets.poll();
        this.clock.advance(Duration.ofSeconds(5));
        this.commitOffsets.poll();
        assertThat(this.commit.commits).containsExactly(new Committed(Map.of(IN_0, 1L), false));
    }

    @Test
    void aStreamThatCaughtUpCommitsWhatItFinishedOnceNothingFinishedForAHundredMillis() {
        submit(0, 0);
        this.commitOffsets.poll();
        this.clock.advance(Duration.ofMillis(99));
        this.commitOffsets.poll();
        assertThat(this.commit.commits).isEmpty();
        this.clock.advance(Duration.ofMillis(1));
        this.commitOffsets.poll();
        assertThat(this.commit.commits).containsExactly(new Committed(Map.of(IN_0, 1L), false));
        // Nothing new: nothing more.
        this.clock.advance(Duration.ofSeconds(1));
        this.commitOffsets.poll();
        assertThat(this.commit.commits).hasSize(1);
    }

    @Test
    void whileMessagesKeepFinishingOnlyTheIntervalOrTheCountCommits() {
        CommitOffsets<String> offsets = new CommitOffsets<>(this.commit, Duration.ofSeconds(1), 1000, this.clock);
        for (int offset = 0; offset < 19; offset++) {
            offsets.submit(Message.of(record("in", 0, offset, "k", "v")).withPayload("v"));
            this.clock.advance(Duration.ofMillis(50));
            offsets.poll();
        }
        assertThat(this.commit.commits).isEmpty();
        offsets.submit(Message.of(record("in", 0, 19, "k", "v")).withPayload("v"));
        this.clock.advance(Duration.ofMillis(50));
        offsets.poll();
        assertThat(this.commit.commits).containsExactly(new Committed(Map.of(IN_0, 20L), false));
    }

    @Test
    void aShortIntervalWaitsATenthOfItForTheStreamToCatchUp() {
        CommitOffsets<String> offsets = new CommitOffsets<>(this.commit, Duration.ofMillis(200), 1000, this.clock);
        offsets.submit(Message.of(record("in", 1, 7, "k", "v")).withPayload("v"));
        offsets.poll();
        this.clock.advance(Duration.ofMillis(19));
        offsets.poll();
        assertThat(this.commit.commits).isEmpty();
        this.clock.advance(Duration.ofMillis(1));
        offsets.poll();
        assertThat(this.commit.commits).containsExactly(new Committed(Map.of(IN_1, 8L), false));
    }

    @Test
    void eachPartitionCommitsTheOffsetAfterItsLatestRecord() {
        submit(0, 5);
        submit(1, 3);
        submit(0, 6);
        this.commitOffsets.poll();
        assertThat(this.commit.commits).containsExactly(new Committed(Map.of(IN_0, 7L, IN_1, 4L), false));
    }

    @Test
    void aMessageOfSeveralRecordsCommitsTheOffsetsItCarries() {
        this.commitOffsets.submit(Message.of("batch", Map.of(IN_0, 10L, IN_1, 20L)));
        this.commitOffsets.join(Duration.ZERO);
        assertThat(this.commit.commits).containsExactly(new Committed(Map.of(IN_0, 10L, IN_1, 20L), true));
    }

    @Test
    void aMessageWithNoCommittableOffsetsCommitsNothingForIt() {
        submit(0, 4);
        this.commitOffsets.submit(Message.of(record("in", 0, 5, "k", "v")).withPayload("v").withCommittable(Map.of()));
        this.commitOffsets.submit(Message.of(record("in", 1, 9, "k", "v")).withPayload("v").withCommittable(Map.of()));
        this.commitOffsets.join(Duration.ofSeconds(1));
        assertThat(this.commit.commits).containsExactly(new Committed(Map.of(IN_0, 5L), true));
    }

    @Test
    void onlyMessagesWithNoCommittableOffsetsCommitNothing() {
        this.commitOffsets.submit(Message.of(record("in", 0, 5, "k", "v")).withPayload("v").withCommittable(Map.of()));
        this.commitOffsets.join(Duration.ofSeconds(1));
        assertThat(this.commit.commits).isEmpty();
    }

    @Test
    void joinCommitsAtOnceAndForcesTheCommit() {
        submit(0, 0);
        this.commitOffsets.close();
        this.commitOffsets.join(Duration.ofSeconds(1));
        assertThat(this.commit.commits).containsExactly(new Committed(Map.of(IN_0, 1L), true));
    }

    @Test
    void joinWithNothingUncommittedCommitsNothing() {
        submit(0, 0);
        this.commitOffsets.submit(Message.of(record("in", 0, 1, "k", "v")).filtered());
        this.commitOffsets.submit(Message.of(record("in", 0, 2, "k", "v")).withPayload("x"));
        this.commitOffsets.poll();
        this.commitOffsets.join(Duration.ofSeconds(1));
        assertThat(this.commit.commits).containsExactly(new Committed(Map.of(IN_0, 3L), false));
    }

    @Test
    void terminateDropsUncommittedOffsets() {
        submit(0, 0);
        this.commitOffsets.terminate();
        this.commitOffsets.join(Duration.ofSeconds(1));
        this.clock.advance(Duration.ofSeconds(5));
        this.commitOffsets.poll();
        assertThat(this.commit.commits).isEmpty();
    }

    private void submit(int partition, long offset) {
        this.commitOffsets.submit(Message.of(record("in", partition, offset, "k", "v")).withPayload("v"));
    }

    private record Committed(Map<TopicPartition, Long> offsets, boolean force) {
    }

    private static final class RecordingCommit implements Commit {

        final List<Committed> commits = new CopyOnWriteArrayList<>();

        @Override
        public void commit(Map<TopicPartition, Long> offsets, boolean force) {
            this.commits.add(new Committed(Map.copyOf(offsets), force));
        }
    }

    /** A clock that stands still until the test moves it. */
    private static final class MutableClock extends Clock {

        private Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance(Duration duration) {
            this.now = this.now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return this.now;
        }
    }
}
