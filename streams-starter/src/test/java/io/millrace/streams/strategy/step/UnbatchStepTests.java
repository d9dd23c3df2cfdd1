package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;

import static io.millrace.streams.strategy.step.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link UnbatchStep}.
 */
class UnbatchStepTests {

    private final RecordingStep<String> next = new RecordingStep<>();

    private final UnbatchStep<String> unbatch = new UnbatchStep<>(this.next);

    @Test
    void aBatchIsSplitIntoItsMessagesInOrderEachWithItsOwnRecordAndOffsets() {
        List<Message<String>> messages = List.of(payload(0, "a"), payload(1, "b").filtered(), payload(2, "c"));
        this.unbatch.submit(batch(messages));
        assertThat(this.next.submitted).containsExactlyElementsOf(messages);
        assertThat(this.next.submitted).extracting(Message::committable).containsExactly(
                Map.of(new TopicPartition("in", 0), 1L), Map.of(new TopicPartition("in", 0), 2L),
                Map.of(new TopicPartition("in", 0), 3L));
    }

    @Test
    void aBatchWithoutPayloadGoesOnWithItsOffsets() {
        Message<List<Message<String>>> filtered = batch(List.of(payload(0, "a"))).filtered();
        this.unbatch.submit(filtered);
        assertThat(this.next.submitted).singleElement().satisfies((message) -> {
            assertThat(message.isFiltered()).isTrue();
            assertThat(message.committable()).isEqualTo(Map.of(new TopicPartition("in", 0), 1L));
        });
    }

    @Test
    void whatTheNextStepRejectsWaitsInOrderAndNewBatchesAreRejectedUntilItIsTaken() {
        this.next.rejectNext(1);
        this.unbatch.submit(batch(List.of(payload(0, "a"), payload(1, "b"))));
        assertThat(this.next.submitted).isEmpty();
        this.next.rejecting(true);
        assertThatExceptionOfType(MessageRejected.class)
            .isThrownBy(() -> this.unbatch.submit(batch(List.of(payload(2, "c")))));
        this.next.rejecting(false);
        this.unbatch.poll();
        assertThat(this.next.payloads()).containsExactly("a", "b");
        this.unbatch.submit(batch(List.of(payload(2, "c"))));
        assertThat(this.next.payloads()).containsExactly("a", "b", "c");
    }

    @Test
    void joinHandsOnWhatWaitsThenClosesAndJoinsTheNextStep() {
        this.next.rejectNext(3);
        this.unbatch.submit(batch(List.of(payload(0, "a"), payload(1, "b"))));
        this.unbatch.close();
        this.unbatch.join(Duration.ofSeconds(10));
        assertThat(this.next.payloads()).containsExactly("a", "b");
        assertThat(this.next.calls).endsWith("close", "join");
    }

    @Test
    void submitAfterCloseThrows() {
        this.unbatch.close();
        assertThatIllegalStateException().isThrownBy(() -> this.unbatch.submit(batch(List.of(payload(0, "a")))));
    }

    @Test
    void terminateDropsWhatWaitsAndTerminatesTheNextStep() {
        this.next.rejecting(true);
        this.unbatch.submit(batch(List.of(payload(0, "a"))));
        this.unbatch.terminate();
        this.next.rejecting(false);
        this.unbatch.poll();
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.next.calls).contains("terminate");
    }

    private static Message<List<Message<String>>> batch(List<Message<String>> messages) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        messages.forEach((message) -> offsets.putAll(message.committable()));
        return Message.of(messages, offsets);
    }

    private static Message<String> payload(long offset, String value) {
        return Message.of(record(offset, value)).withPayload(value);
    }
}
