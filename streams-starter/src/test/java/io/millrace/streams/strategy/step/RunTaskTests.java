package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

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
 * Tests for {@link RunTask}.
 */
class RunTaskTests {

    private final RecordingStep<Integer> next = new RecordingStep<>();

    /** Every payload the function ran on, in order. */
    private final List<String> ran = new ArrayList<>();

    @Test
    void eachResultGoesOnInOrderWithTheOffsetsOfItsMessage() {
        RunTask<String, Integer> task = runTask(String::length);
        Message<String> first = payload(0, "apple");
        Message<String> second = payload(1, "fig");
        task.submit(first);
        task.submit(second);
        assertThat(this.next.payloads()).containsExactly(5, 3);
        assertThat(this.next.submitted.get(0).origin()).isSameAs(first.origin());
        assertThat(this.next.submitted.get(1).committable()).isEqualTo(second.committable());
    }

    @Test
    void aNullResultFiltersTheMessageButKeepsItsOffsets() {
        RunTask<String, Integer> task = runTask((value) -> null);
        Message<String> message = payload(2, "apple");
        task.submit(message);
        assertThat(this.next.submitted).singleElement().satisfies((result) -> {
            assertThat(result.isFiltered()).isTrue();
            assertThat(result.invalid()).isNull();
            assertThat(result.committable()).isEqualTo(message.committable());
        });
    }

    @Test
    void anExceptionMakesTheMessageInvalidAsProcessorFailed() {
        IllegalArgumentException failure = new IllegalArgumentException("boom");
        RunTask<String, Integer> task = runTask((value) -> {
            throw failure;
        });
        Message<String> message = payload(3, "apple");
        task.submit(message);
        assertThat(this.next.submitted).singleElement().satisfies((result) -> {
            assertThat(result.hasPayload()).isFalse();
            assertThat(result.invalid().reason()).isEqualTo(InvalidMessage.Reason.PROCESSOR_FAILED);
            assertThat(result.invalid().getCause()).isSameAs(failure);
            assertThat(result.origin()).isSameAs(message.origin());
        });
        assertThat(this.ran).containsExactly("apple");
    }

    @Test
    void filteredAndInvalidMessagesPassWithoutRunningTheFunction() {
        RunTask<String, Integer> task = runTask(String::length);
        Message<String> filtered = payload(0, "a").filtered();
        Message<String> invalid = payload(1, "b")
            .invalid(new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT, new RuntimeException("undecodable")));
        task.submit(filtered);
        task.submit(invalid);
        assertThat(this.ran).isEmpty();
        assertThat(this.next.submitted).hasSize(2);
        assertThat(this.next.submitted.get(0)).isSameAs(filtered);
        assertThat(this.next.submitted.get(1)).isSameAs(invalid);
    }

    @Test
    void aResultTheNextStepRejectsIsCarriedAndTheFunctionRunsOnce() {
        RunTask<String, Integer> task = runTask(String::length);
        this.next.rejecting(true);
        task.submit(payload(0, "apple"));
        assertThatExceptionOfType(MessageRejected.class).isThrownBy(() -> task.submit(payload(1, "fig")));
        task.poll();
        assertThat(this.next.submitted).isEmpty();
        this.next.rejecting(false);
        task.poll();
        assertThat(this.next.payloads()).containsExactly(5);
        task.submit(payload(1, "fig"));
        assertThat(this.next.payloads()).containsExactly(5, 3);
        assertThat(this.ran).containsExactly("apple", "fig");
    }

    @Test
    void pollDrivesTheNextStep() {
        runTask(String::length).poll();
        assertThat(this.next.calls).containsExactly("poll");
    }

    @Test
    void joinFlushesTheCarriedMessageThenClosesAndJoinsTheNextStep() {
        RunTask<String, Integer> task = runTask(String::length);
        this.next.rejectNext(3);
        task.submit(payload(0, "apple"));
        task.close();
        task.join(Duration.ofSeconds(10));
        assertThat(this.next.payloads()).containsExactly(5);
        assertThat(this.next.calls).endsWith("close", "join");
        assertThat(this.next.joinTimeout).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void joinGivesUpOnTheCarriedMessageWhenTheTimeoutPasses() {
        RunTask<String, Integer> task = runTask(String::length);
        this.next.rejecting(true);
        task.submit(payload(0, "apple"));
        task.close();
        // A join that ignored its timeout would block for good: bounded far above what honouring it takes.
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> task.join(Duration.ofMillis(100)));
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.next.calls).endsWith("close", "join");
        assertThat(this.next.joinTimeout).isLessThanOrEqualTo(Duration.ofMillis(100));
    }

    @Test
    void submitAfterCloseThrowsWithoutRunningTheFunction() {
        RunTask<String, Integer> task = runTask(String::length);
        task.close();
        assertThatIllegalStateException().isThrownBy(() -> task.submit(payload(0, "apple")));
        assertThat(this.ran).isEmpty();
    }

    @Test
    void terminateDropsTheCarriedMessageAndTerminatesTheNextStep() {
        RunTask<String, Integer> task = runTask(String::length);
        this.next.rejecting(true);
        task.submit(payload(0, "apple"));
        task.terminate();
        this.next.rejecting(false);
        task.poll();
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.next.calls).contains("terminate");
        assertThatIllegalStateException().isThrownBy(() -> task.submit(payload(1, "fig")));
    }

    private RunTask<String, Integer> runTask(Function<String, Integer> function) {
        return new RunTask<>((value) -> {
            this.ran.add(value);
            return function.apply(value);
        }, this.next);
    }

    private static Message<String> payload(long offset, String value) {
        return Message.of(record(offset, value)).withPayload(value);
    }
}
