package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
 * Tests for {@link Unfold}, splitting payloads into words.
 */
class UnfoldTests {

    private final RecordingStep<String> next = new RecordingStep<>();

    /** Every payload the function ran on, in order. */
    private final List<String> ran = new ArrayList<>();

    @Test
    void eachElementGoesOnInOrderButOnlyTheLastCarriesTheInputsOffsets() {
        Unfold<String, String> unfold = unfold(words());
        Message<String> input = payload(4, "a b c");
        unfold.submit(input);
        assertThat(this.next.payloads()).containsExactly("a", "b", "c");
        assertThat(this.next.submitted).extracting(Message::committable).containsExactly(Map.of(), Map.of(),
                Map.of(new TopicPartition("in", 0), 5L));
        assertThat(this.next.submitted).extracting(Message::commitsOrigin).containsExactly(false, false, true);
        assertThat(this.next.submitted).allSatisfy((element) -> assertThat(element.origin()).isSameAs(input.origin()));
    }

    @Test
    void aSingleElementKeepsTheInputsOffsets() {
        Unfold<String, String> unfold = unfold(words());
        unfold.submit(payload(4, "only"));
        assertThat(this.next.submitted).singleElement().satisfies((element) -> {
            assertThat(element.payload()).isEqualTo("only");
            assertThat(element.commitsOrigin()).isTrue();
        });
    }

    @Test
    void anEmptyResultFiltersTheInputButKeepsItsOffsets() {
        Unfold<String, String> unfold = unfold((value) -> List.of());
        Message<String> input = payload(4, "");
        unfold.submit(input);
        assertThat(this.next.submitted).singleElement().satisfies((message) -> {
            assertThat(message.isFiltered()).isTrue();
            assertThat(message.commitsOrigin()).isTrue();
            assertThat(message.committable()).isEqualTo(input.committable());
        });
    }

    @Test
    void anExceptionMakesTheInputInvalidAsProcessorFailed() {
        IllegalStateException failure = new IllegalStateException("boom");
        Unfold<String, String> unfold = unfold((value) -> {
            throw failure;
        });
        Message<String> input = payload(4, "a b");
        unfold.submit(input);
        assertThat(this.next.submitted).singleElement().satisfies((message) -> {
            assertThat(message.invalid().reason()).isEqualTo(InvalidMessage.Reason.PROCESSOR_FAILED);
            assertThat(message.invalid().getCause()).isSameAs(failure);
            assertThat(message.committable()).isEqualTo(input.committable());
        });
    }

    @Test
    void anExceptionWhileIteratingEmitsNoElement() {
        Unfold<String, String> unfold = unfold((value) -> () -> new Iterator<String>() {
            private int count;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public String next() {
                if (this.count++ == 2) {
                    throw new IllegalStateException("broken iterator");
                }
                return "e" + this.count;
            }
        });
        unfold.submit(payload(4, "a b"));
        assertThat(this.next.submitted).singleElement()
            .satisfies((message) -> assertThat(message.invalid()).isNotNull());
    }

    @Test
    void filteredAndInvalidMessagesPassWithoutRunningTheFunction() {
        Unfold<String, String> unfold = unfold(words());
        Message<String> filtered = payload(0, "a").filtered();
        Message<String> invalid = payload(1, "b")
            .invalid(new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT, new RuntimeException("undecodable")));
        unfold.submit(filtered);
        unfold.submit(invalid);
        assertThat(this.ran).isEmpty();
        assertThat(this.next.submitted).containsExactly(filtered, invalid);
    }

    @Test
    void elementsTheNextStepRejectsWaitInOrderAndTheFunctionRunsOnce() {
        Unfold<String, String> unfold = unfold(words());
        this.next.rejectNext(1);
        unfold.submit(payload(0, "a b c"));
        assertThat(this.next.submitted).isEmpty();
        this.next.rejecting(true);
        assertThatExceptionOfType(MessageRejected.class).isThrownBy(() -> unfold.submit(payload(1, "d")));
        this.next.rejecting(false);
        unfold.poll();
        assertThat(this.next.payloads()).containsExactly("a", "b", "c");
        unfold.submit(payload(1, "d"));
        assertThat(this.next.payloads()).containsExactly("a", "b", "c", "d");
        assertThat(this.ran).containsExactly("a b c", "d");
    }

    @Test
    void joinHandsOnWaitingElementsThenClosesAndJoinsTheNextStep() {
        Unfold<String, String> unfold = unfold(words());
        this.next.rejectNext(3);
        unfold.submit(payload(0, "a b"));
        unfold.close();
        unfold.join(Duration.ofSeconds(10));
        assertThat(this.next.payloads()).containsExactly("a", "b");
        assertThat(this.next.calls).endsWith("close", "join");
        assertThat(this.next.joinTimeout).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void submitAfterCloseThrows() {
        Unfold<String, String> unfold = unfold(words());
        unfold.close();
        assertThatIllegalStateException().isThrownBy(() -> unfold.submit(payload(0, "a")));
        assertThat(this.ran).isEmpty();
    }

    @Test
    void terminateDropsWaitingElementsAndTerminatesTheNextStep() {
        Unfold<String, String> unfold = unfold(words());
        this.next.rejecting(true);
        unfold.submit(payload(0, "a b"));
        unfold.terminate();
        this.next.rejecting(false);
        unfold.poll();
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.next.calls).contains("terminate");
    }

    private Unfold<String, String> unfold(Function<String, Iterable<String>> function) {
        return new Unfold<>((value) -> {
            this.ran.add(value);
            return function.apply(value);
        }, this.next);
    }

    private static Function<String, Iterable<String>> words() {
        return (value) -> Arrays.asList(value.split(" "));
    }

    private static Message<String> payload(long offset, String value) {
        return Message.of(record(offset, value)).withPayload(value);
    }
}
