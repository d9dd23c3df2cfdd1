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
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link Reduce}, folding strings into a comma-joined value on a clock the test moves.
 */
class ReduceTests {

    private static final TopicPartition IN_0 = new TopicPartition("in", 0);

    private static final TopicPartition IN_1 = new TopicPartition("in", 1);

    private final MutableClock clock = new MutableClock();

    private final RecordingStep<String> next = new RecordingStep<>();

    /** Every payload folded, in order. */
    private final List<String> folded = new ArrayList<>();

    private final Reduce<String, String> reduce = new Reduce<>(3, Duration.ofSeconds(1), () -> "", (value, payload) -> {
        this.folded.add(payload);
        return value.isEmpty() ? payload : value + "," + payload;
    }, this.clock, this.next);

    @Test
    void maxSizePayloadsAreFoldedIntoOneValueWithTheOffsetsOfAllOfThem() {
        this.reduce.submit(payload(0, 5, "a"));
        this.reduce.submit(payload(1, 3, "b"));
        assertThat(this.next.submitted).isEmpty();
        this.reduce.submit(payload(0, 6, "c"));
        assertThat(this.next.submitted).singleElement().satisfies((value) -> {
            assertThat(value.payload()).isEqualTo("a,b,c");
            assertThat(value.committable()).isEqualTo(Map.of(IN_0, 7L, IN_1, 4L));
        });
        this.reduce.submit(payload(0, 7, "d"));
        assertThat(this.next.submitted).hasSize(1);
    }

    @Test
    void theNextValueStartsEmpty() {
        for (int offset = 0; offset < 6; offset++) {
            this.reduce.submit(payload(0, offset, "v" + offset));
        }
        assertThat(this.next.payloads()).containsExactly("v0,v1,v2", "v3,v4,v5");
        assertThat(this.next.submitted.get(1).committable()).isEqualTo(Map.of(IN_0, 6L));
    }

    @Test
    void aValueIsEmittedOnPollOnceItsFirstPayloadIsMaxTimeOld() {
        this.reduce.submit(payload(0, 0, "a"));
        this.clock.advance(Duration.ofMillis(600));
        this.reduce.submit(payload(0, 1, "b"));
        this.clock.advance(Duration.ofMillis(399));
        this.reduce.poll();
        assertThat(this.next.submitted).isEmpty();
        this.clock.advance(Duration.ofMillis(1));
        this.reduce.poll();
        assertThat(this.next.payloads()).containsExactly("a,b");
        assertThat(this.next.submitted.get(0).committable()).isEqualTo(Map.of(IN_0, 2L));
    }

    @Test
    void filteredMessagesAddOnlyTheirOffsets() {
        this.reduce.submit(payload(0, 0, "a"));
        this.reduce.submit(payload(0, 1, "x").filtered());
        this.reduce.submit(payload(0, 2, "b"));
        this.reduce.submit(payload(0, 3, "y").filtered());
        assertThat(this.next.submitted).isEmpty();
        this.reduce.submit(payload(0, 4, "c"));
        assertThat(this.next.payloads()).containsExactly("a,b,c");
        assertThat(this.next.submitted.get(0).committable()).isEqualTo(Map.of(IN_0, 5L));
        assertThat(this.folded).containsExactly("a", "b", "c");
    }

    @Test
    void onlyFilteredMessagesMakeAFilteredValueThatStillCommitsTheirOffsets() {
        this.reduce.submit(payload(0, 0, "x").filtered());
        this.reduce.submit(payload(1, 0, "y").filtered());
        this.clock.advance(Duration.ofSeconds(1));
        this.reduce.poll();
        assertThat(this.next.submitted).singleElement().satisfies((value) -> {
            assertThat(value.isFiltered()).isTrue();
            assertThat(value.committable()).isEqualTo(Map.of(IN_0, 1L, IN_1, 1L));
        });
    }

    @Test
    void anInvalidMessageFlushesTheCurrentValueFirstThenGoesOnAlone() {
        Message<String> invalid = payload(0, 2, "bad")
            .invalid(new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT, new RuntimeException("undecodable")));
        this.reduce.submit(payload(0, 0, "a"));
        this.reduce.submit(payload(0, 1, "b"));
        this.reduce.submit(invalid);
        this.reduce.submit(payload(0, 3, "c"));
        this.reduce.close();
        this.reduce.join(Duration.ofSeconds(1));
        assertThat(this.next.submitted).hasSize(3);
        assertThat(this.next.submitted.get(0).payload()).isEqualTo("a,b");
        assertThat(this.next.submitted.get(0).committable()).isEqualTo(Map.of(IN_0, 2L));
        assertThat(this.next.submitted.get(1)).isSameAs(invalid);
        assertThat(this.next.submitted.get(2).payload()).isEqualTo("c");
        assertThat(this.next.submitted.get(2).committable()).isEqualTo(Map.of(IN_0, 4L));
    }

    @Test
    void payloadsWithoutOffsetsOfTheirOwnAreFoldedLikeAnyOther() {
        // As Unfold hands them on: only the last element of a record carries its offset.
        this.reduce.submit(payload(0, 0, "a").withCommittable(Map.of()));
        this.reduce.submit(payload(0, 0, "b"));
        this.reduce.close();
        this.reduce.join(Duration.ofSeconds(1));
        assertThat(this.next.payloads()).containsExactly("a,b");
        assertThat(this.next.submitted.get(0).committable()).isEqualTo(Map.of(IN_0, 1L));
    }

    @Test
    void joinFlushesTheOpenValueThenClosesAndJoinsTheNextStep() {
        this.reduce.submit(payload(0, 0, "a"));
        this.reduce.close();
        this.reduce.join(Duration.ofSeconds(10));
        assertThat(this.next.payloads()).containsExactly("a");
        assertThat(this.next.calls).endsWith("close", "join");
        assertThat(this.next.joinTimeout).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aValueTheNextStepRejectsWaitsAndIsOfferedAgainOnPollWithoutFoldingAgain() {
        this.next.rejecting(true);
        for (int offset = 0; offset < 3; offset++) {
            this.reduce.submit(payload(0, offset, "v" + offset));
        }
        assertThatExceptionOfType(MessageRejected.class).isThrownBy(() -> this.reduce.submit(payload(0, 3, "v3")));
        this.reduce.poll();
        assertThat(this.next.submitted).isEmpty();
        this.next.rejecting(false);
        this.reduce.poll();
        assertThat(this.next.payloads()).containsExactly("v0,v1,v2");
        this.reduce.submit(payload(0, 3, "v3"));
        assertThat(this.folded).containsExactly("v0", "v1", "v2", "v3");
    }

    @Test
    void submitAfterCloseThrows() {
        this.reduce.close();
        assertThatIllegalStateException().isThrownBy(() -> this.reduce.submit(payload(0, 0, "a")));
    }

    @Test
    void terminateDropsTheOpenAndWaitingValuesAndTerminatesTheNextStep() {
        this.next.rejecting(true);
        for (int offset = 0; offset < 3; offset++) {
            this.reduce.submit(payload(0, offset, "v" + offset));
        }
        this.reduce.terminate();
        this.next.rejecting(false);
        this.clock.advance(Duration.ofSeconds(5));
        this.reduce.poll();
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.next.calls).contains("terminate");
        assertThatIllegalStateException().isThrownBy(() -> this.reduce.submit(payload(0, 3, "v3")));
    }

    @Test
    void terminateDropsTheOpenValue() {
        this.reduce.submit(payload(0, 0, "a"));
        this.reduce.terminate();
        this.clock.advance(Duration.ofSeconds(5));
        this.reduce.poll();
        this.reduce.join(Duration.ofSeconds(1));
        assertThat(this.next.submitted).isEmpty();
    }

    private static Message<String> payload(int partition, long offset, String value) {
        return Message.of(record("in", partition, offset, "k", value)).withPayload(value);
    }
}
