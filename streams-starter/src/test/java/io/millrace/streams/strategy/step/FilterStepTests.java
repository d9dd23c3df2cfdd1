package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;

import static io.millrace.streams.strategy.step.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for {@link FilterStep}.
 */
class FilterStepTests {

    private final RecordingStep<String> next = new RecordingStep<>();

    /** Every payload the predicate was asked about, in order. */
    private final List<String> tested = new ArrayList<>();

    private final FilterStep<String> filter = new FilterStep<>((value) -> {
        this.tested.add(value);
        return !value.startsWith("drop");
    }, this.next);

    @Test
    void acceptedPayloadsGoOnUnchangedAndInOrder() {
        Message<String> first = payload(0, "a");
        Message<String> second = payload(1, "b");
        this.filter.submit(first);
        this.filter.submit(second);
        assertThat(this.next.submitted).containsExactly(first, second);
    }

    @Test
    void rejectedPayloadsBecomeFilteredMessagesThatKeepTheirOffsetsAndPlace() {
        Message<String> kept = payload(0, "a");
        Message<String> dropped = payload(1, "drop-b");
        Message<String> last = payload(2, "c");
        this.filter.submit(kept);
        this.filter.submit(dropped);
        this.filter.submit(last);
        assertThat(this.next.submitted).hasSize(3);
        assertThat(this.next.submitted.get(0)).isSameAs(kept);
        assertThat(this.next.submitted.get(1)).satisfies((filtered) -> {
            assertThat(filtered.isFiltered()).isTrue();
            assertThat(filtered.payload()).isNull();
            assertThat(filtered.origin()).isSameAs(dropped.origin());
            assertThat(filtered.committable()).isEqualTo(Map.of(new TopicPartition("in", 0), 2L));
        });
        assertThat(this.next.submitted.get(2)).isSameAs(last);
    }

    @Test
    void whenEveryRecordIsFilteredEveryOffsetStillReachesTheEnd() {
        List<Map<TopicPartition, Long>> commits = new CopyOnWriteArrayList<>();
        CommitOffsets<String> end = new CommitOffsets<>((offsets, force) -> commits.add(offsets),
                Duration.ofHours(1), 1000, new MutableClock());
        FilterStep<String> dropAll = new FilterStep<>((value) -> false, end);
        for (int offset = 0; offset < 5; offset++) {
            dropAll.submit(Message.of(record("in", offset % 2, offset, "k", "v")).withPayload("v" + offset));
        }
        dropAll.close();
        dropAll.join(Duration.ofSeconds(1));
        assertThat(commits).containsExactly(
                Map.of(new TopicPartition("in", 0), 5L, new TopicPartition("in", 1), 4L));
    }

    @Test
    void filteredAndInvalidMessagesPassWithoutAskingThePredicate() {
        Message<String> filtered = payload(0, "a").filtered();
        Message<String> invalid = payload(1, "b")
            .invalid(new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT, new RuntimeException("undecodable")));
        this.filter.submit(filtered);
        this.filter.submit(invalid);
        assertThat(this.tested).isEmpty();
        assertThat(this.next.submitted).containsExactly(filtered, invalid);
    }

    @Test
    void aResultTheNextStepRejectsIsCarriedAndOfferedAgainOnPollWithoutTestingAgain() {
        this.next.rejecting(true);
        this.filter.submit(payload(0, "a"));
        assertThat(this.next.submitted).isEmpty();
        assertThatExceptionOfType(MessageRejected.class).isThrownBy(() -> this.filter.submit(payload(1, "b")));
        this.filter.poll();
        assertThat(this.next.submitted).isEmpty();
        this.next.rejecting(false);
        this.filter.poll();
        assertThat(this.next.payloads()).containsExactly("a");
        this.filter.submit(payload(1, "b"));
        assertThat(this.next.payloads()).containsExactly("a", "b");
        assertThat(this.tested).containsExactly("a", "b");
    }

    @Test
    void pollDrivesTheNextStep() {
        this.filter.poll();
        assertThat(this.next.calls).containsExactly("poll");
    }

    @Test
    void joinFlushesTheCarriedMessageThenClosesAndJoinsTheNextStep() {
        this.next.rejectNext(3);
        this.filter.submit(payload(0, "a"));
        this.filter.close();
        this.filter.join(Duration.ofSeconds(10));
        assertThat(this.next.payloads()).containsExactly("a");
        assertThat(this.next.calls).endsWith("close", "join");
        assertThat(this.next.joinTimeout).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void joinGivesUpOnTheCarriedMessageWhenTheTimeoutPasses() {
        this.next.rejecting(true);
        this.filter.submit(payload(0, "a"));
        this.filter.close();
        // A join that ignored its timeout would block for good: bounded far above what honouring it takes.
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> this.filter.join(Duration.ofMillis(100)));
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.next.calls).endsWith("close", "join");
        assertThat(this.next.joinTimeout).isLessThanOrEqualTo(Duration.ofMillis(100));
    }

    @Test
    void submitAfterCloseThrows() {
        this.filter.close();
        assertThatIllegalStateException().isThrownBy(() -> this.filter.submit(payload(0, "a")));
        assertThat(this.tested).isEmpty();
    }

    @Test
    void terminateDropsTheCarriedMessageAndTerminatesTheNextStep() {
        this.next.rejecting(true);
        this.filter.submit(payload(0, "a"));
        this.filter.terminate();
        this.next.rejecting(false);
        this.filter.poll();
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.next.calls).contains("terminate");
        assertThatIllegalStateException().isThrownBy(() -> this.filter.submit(payload(1, "b")));
    }

    private static Message<String> payload(long offset, String value) {
        return Message.of(record(offset, value)).withPayload(value);
    }
}
