package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;

import static io.millrace.streams.strategy.step.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link BatchStep}, and for its round trip through {@link UnbatchStep}, on a clock the test moves.
 */
class BatchStepTests {

    private static final TopicPartition IN_0 = new TopicPartition("in", 0);

    private static final TopicPartition IN_1 = new TopicPartition("in", 1);

    private final MutableClock clock = new MutableClock();

    private final RecordingStep<List<Message<String>>> next = new RecordingStep<>();

    private final BatchStep<String> batching = new BatchStep<>(3, Duration.ofMillis(100), this.clock, this.next);

    @Test
    void aBatchClosesAtMaxSizeWithItsMessagesInOrder() {
        List<Message<String>> messages = new ArrayList<>();
        for (int offset = 0; offset < 4; offset++) {
            messages.add(payload(0, offset, "v" + offset));
            this.batching.submit(messages.get(offset));
        }
        assertThat(this.next.submitted).singleElement()
            .satisfies((batch) -> assertThat(batch.payload()).containsExactlyElementsOf(messages.subList(0, 3)));
    }

    @Test
    void aBatchCommitsTheLatestOffsetOfEachPartitionOfItsMessages() {
        this.batching.submit(payload(0, 5, "a"));
        this.batching.submit(payload(1, 3, "b"));
        this.batching.submit(payload(0, 6, "c"));
        assertThat(this.next.submitted).singleElement().satisfies((batch) -> {
            assertThat(batch.committable()).isEqualTo(Map.of(IN_0, 7L, IN_1, 4L));
            assertThat(batch.origin()).isNull();
        });
    }

    @Test
    void aMessageWithoutOffsetsDoesNotLowerTheBatchsOffsets() {
        this.batching.submit(payload(0, 5, "a"));
        this.batching.submit(payload(0, 6, "b"));
        this.batching.submit(payload(0, 6, "c").withCommittable(Map.of()));
        assertThat(this.next.submitted).singleElement()
            .satisfies((batch) -> assertThat(batch.committable()).isEqualTo(Map.of(IN_0, 7L)));
    }

    @Test
    void aBatchClosesOnPollOnceItsFirstMessageIsMaxTimeOld() {
        this.batching.submit(payload(0, 0, "a"));
        this.clock.advance(Duration.ofMillis(60));
        this.batching.submit(payload(0, 1, "b"));
        this.clock.advance(Duration.ofMillis(39));
        this.batching.poll();
        assertThat(this.next.submitted).isEmpty();
        this.clock.advance(Duration.ofMillis(1));
        this.batching.poll();
        assertThat(this.next.submitted).singleElement()
            .satisfies((batch) -> assertThat(batch.payload()).extracting(Message::payload).containsExactly("a", "b"));
    }

    @Test
    void anEmptyBatchIsNeverEmitted() {
        this.clock.advance(Duration.ofSeconds(1));
        this.batching.poll();
        this.batching.close();
        this.batching.join(Duration.ofSeconds(1));
        assertThat(this.next.submitted).isEmpty();
    }

    @Test
    void joinClosesTheOpenBatchThenClosesAndJoinsTheNextStep() {
        this.batching.submit(payload(0, 0, "a"));
        this.batching.close();
        this.batching.join(Duration.ofSeconds(10));
        assertThat(this.next.submitted).singleElement()
            .satisfies((batch) -> assertThat(batch.payload()).extracting(Message::payload).containsExactly("a"));
        assertThat(this.next.calls).endsWith("close", "join");
        assertThat(this.next.joinTimeout).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aBatchTheNextStepRejectsWaitsAndNewMessagesAreRejectedUntilItIsTaken() {
        this.next.rejecting(true);
        for (int offset = 0; offset < 3; offset++) {
            this.batching.submit(payload(0, offset, "v" + offset));
        }
        assertThatExceptionOfType(MessageRejected.class)
            .isThrownBy(() -> this.batching.submit(payload(0, 3, "v3")));
        this.next.rejecting(false);
        this.batching.poll();
        assertThat(this.next.submitted).hasSize(1);
        this.batching.submit(payload(0, 3, "v3"));
        this.batching.join(Duration.ofSeconds(1));
        assertThat(this.next.submitted).hasSize(2);
    }

    @Test
    void submitAfterCloseThrows() {
        this.batching.close();
        assertThatIllegalStateException().isThrownBy(() -> this.batching.submit(payload(0, 0, "a")));
    }

    @Test
    void terminateDropsWaitingBatchesAndTerminatesTheNextStep() {
        this.next.rejecting(true);
        for (int offset = 0; offset < 3; offset++) {
            this.batching.submit(payload(0, offset, "v" + offset));
        }
        this.batching.terminate();
        this.next.rejecting(false);
        this.batching.poll();
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.next.calls).contains("terminate");
        assertThatIllegalStateException().isThrownBy(() -> this.batching.submit(payload(0, 3, "v3")));
    }

    @Test
    void terminateDropsTheOpenBatch() {
        this.batching.submit(payload(0, 0, "a"));
        this.batching.terminate();
        this.clock.advance(Duration.ofSeconds(1));
        this.batching.poll();
        this.batching.join(Duration.ofSeconds(1));
        assertThat(this.next.submitted).isEmpty();
    }

    @Test
    void aRoundTripThroughUnbatchKeepsEveryOriginalMessageWithItsOrigin() {
        RecordingStep<String> end = new RecordingStep<>();
        BatchStep<String> roundTrip = new BatchStep<>(3, Duration.ofMillis(100), this.clock, new UnbatchStep<>(end));
        List<Message<String>> messages = List.of(payload(0, 0, "a"), payload(1, 0, "b"), payload(0, 1, "c").filtered(),
                payload(1, 1, "d").invalid(new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT,
                        new RuntimeException("undecodable"))),
                payload(0, 2, "e"), payload(1, 2, "f"), payload(0, 3, "g"));
        messages.forEach(roundTrip::submit);
        roundTrip.close();
        roundTrip.join(Duration.ofSeconds(1));
        assertThat(end.submitted).containsExactlyElementsOf(messages);
        for (int i = 0; i < messages.size(); i++) {
            assertThat(end.submitted.get(i).origin()).isSameAs(messages.get(i).origin());
            assertThat(end.submitted.get(i).commitsOrigin()).isTrue();
        }
    }

    @Test
    void aBatchHoldsAtLeastOneMessage() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new BatchStep<String>(0, Duration.ofMillis(100), this.clock, this.next));
    }

    private static Message<String> payload(int partition, long offset, String value) {
        return Message.of(record("in", partition, offset, "k", value)).withPayload(value);
    }
}
