package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.millrace.streams.processor.BatchInputProcessor;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;
import io.millrace.streams.strategy.RetryPolicy;
import io.millrace.streams.strategy.worker.WorkerContext;

import static io.millrace.streams.strategy.step.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link IngestBatch}.
 */
class IngestBatchTests {

    private static final RetryPolicy THREE_ATTEMPTS = new RetryPolicy(3, Duration.ZERO, 1, Duration.ZERO);

    private final RecordingStep<List<Message<String>>> next = new RecordingStep<>();

    private final WorkerContext context = new WorkerContext("words", Map.of());

    /** The values of each processor call, in order. */
    private final List<List<String>> calls = new ArrayList<>();

    @Test
    void theProcessorIsCalledOnceForTheBatchAndEachResultGoesBackOnItsOwnMessage() {
        IngestBatch<String, String> ingest = ingest((values) -> values.stream().map(String::toUpperCase).toList());
        List<Message<String>> messages = List.of(payload(0, "a"), payload(1, "b"), payload(2, "c"));
        Message<List<Message<String>>> batch = batch(messages);
        ingest.submit(batch);
        assertThat(this.calls).containsExactly(List.of("a", "b", "c"));
        assertThat(this.next.submitted).singleElement().satisfies((result) -> {
            assertThat(result.committable()).isEqualTo(batch.committable());
            assertThat(result.payload()).extracting(Message::payload).containsExactly("A", "B", "C");
            for (int i = 0; i < messages.size(); i++) {
                assertThat(result.payload().get(i).origin()).isSameAs(messages.get(i).origin());
                assertThat(result.payload().get(i).commitsOrigin()).isTrue();
            }
        });
    }

    @Test
    void aNullResultFiltersItsMessageOnly() {
        IngestBatch<String, String> ingest = ingest((values) -> Arrays.asList("A", null, "C"));
        ingest.submit(batch(List.of(payload(0, "a"), payload(1, "b"), payload(2, "c"))));
        List<Message<String>> results = this.next.submitted.get(0).payload();
        assertThat(results).extracting(Message::payload).containsExactly("A", null, "C");
        assertThat(results.get(1).isFiltered()).isTrue();
        assertThat(results.get(1).committable()).isEqualTo(Map.of(new TopicPartition("in", 0), 2L));
    }

    @Test
    void filteredAndInvalidMessagesPassUntouchedAndResultsMapBackByPositionAmongTheValidOnes() {
        IngestBatch<String, String> ingest = ingest((values) -> values.stream().map(String::toUpperCase).toList());
        Message<String> filtered = payload(1, "x").filtered();
        Message<String> invalid = payload(2, "y").invalid(invalidInput());
        ingest.submit(batch(List.of(payload(0, "a"), filtered, invalid, payload(3, "b"), payload(4, "c"))));
        assertThat(this.calls).containsExactly(List.of("a", "b", "c"));
        List<Message<String>> results = this.next.submitted.get(0).payload();
        assertThat(results).extracting(Message::payload).containsExactly("A", null, null, "B", "C");
        assertThat(results.get(1)).isSameAs(filtered);
        assertThat(results.get(2)).isSameAs(invalid);
        assertThat(results).extracting((result) -> result.origin().offset()).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void aBatchWithoutValidMessagesDoesNotCallTheProcessor() {
        IngestBatch<String, String> ingest = ingest((values) -> values);
        Message<String> filtered = payload(0, "x").filtered();
        Message<String> invalid = payload(1, "y").invalid(invalidInput());
        ingest.submit(batch(List.of(filtered, invalid)));
        assertThat(this.calls).isEmpty();
        assertThat(this.next.submitted.get(0).payload()).containsExactly(filtered, invalid);
    }

    @Test
    void aFailingBatchIsRetriedThenEveryValidMessageIsInvalidAsProcessorFailed() {
        IllegalStateException failure = new IllegalStateException("lookup down");
        IngestBatch<String, String> ingest = ingest((values) -> {
            throw failure;
        });
        Message<String> filtered = payload(1, "x").filtered();
        ingest.submit(batch(List.of(payload(0, "a"), filtered, payload(2, "b"))));
        assertThat(this.calls).hasSize(3).containsOnly(List.of("a", "b"));
        List<Message<String>> results = this.next.submitted.get(0).payload();
        assertThat(results.get(1)).isSameAs(filtered);
        assertThat(List.of(results.get(0), results.get(2))).allSatisfy((result) -> {
            assertThat(result.invalid().reason()).isEqualTo(InvalidMessage.Reason.PROCESSOR_FAILED);
            assertThat(result.invalid().getCause()).isSameAs(failure);
        });
        assertThat(results.get(2).origin().offset()).isEqualTo(2);
    }

    @Test
    void aWrongNumberOfResultsIsRetriedThenEveryValidMessageIsInvalidAsProcessorFailed() {
        IngestBatch<String, String> ingest = ingest((values) -> List.of("only one"));
        ingest.submit(batch(List.of(payload(0, "a"), payload(1, "b"))));
        assertThat(this.calls).hasSize(3);
        assertThat(this.next.submitted.get(0).payload()).allSatisfy((result) -> {
            assertThat(result.invalid().reason()).isEqualTo(InvalidMessage.Reason.PROCESSOR_FAILED);
            assertThat(result.invalid()).hasMessageContaining("1 results for 2 values");
        });
    }

    @Test
    void aNullListOfResultsMakesEveryValidMessageInvalid() {
        IngestBatch<String, String> ingest = ingest((values) -> null);
        ingest.submit(batch(List.of(payload(0, "a"))));
        assertThat(this.next.submitted.get(0).payload()).singleElement()
            .satisfies((result) -> assertThat(result.invalid().reason())
                .isEqualTo(InvalidMessage.Reason.PROCESSOR_FAILED));
    }

    @Test
    void aBatchThatSucceedsOnARetryIsNotDeadLettered() {
        IngestBatch<String, String> ingest = ingest((values) -> {
            if (this.calls.size() == 1) {
                throw new IllegalStateException("flaky");
            }
            return values;
        });
        ingest.submit(batch(List.of(payload(0, "a"), payload(1, "b"))));
        assertThat(this.calls).hasSize(2);
        assertThat(this.next.submitted.get(0).payload()).extracting(Message::payload).containsExactly("a", "b");
    }

    @Test
    void theProcessorSeesNoCurrentRecord() {
        List<String> topics = new ArrayList<>();
        IngestBatch<String, String> ingest = new IngestBatch<>((values, context) -> {
            topics.add(context.topic());
            return values;
        }, this.context, THREE_ATTEMPTS, this.next);
        ingest.submit(batch(List.of(payload(0, "a"))));
        assertThat(topics).containsExactly((String) null);
    }

    @Test
    void aBatchTheNextStepRejectsIsCarriedAndTheProcessorRunsOnce() {
        IngestBatch<String, String> ingest = ingest((values) -> values);
        this.next.rejecting(true);
        ingest.submit(batch(List.of(payload(0, "a"))));
        assertThatExceptionOfType(MessageRejected.class).isThrownBy(() -> ingest.submit(batch(List.of(payload(1,
                "b")))));
        ingest.poll();
        this.next.rejecting(false);
        ingest.poll();
        assertThat(this.next.submitted).hasSize(1);
        assertThat(this.calls).containsExactly(List.of("a"));
        assertThat(this.next.calls).contains("poll");
    }

    @Test
    void joinFlushesTheCarriedBatchThenClosesAndJoinsTheNextStep() {
        IngestBatch<String, String> ingest = ingest((values) -> values);
        this.next.rejectNext(3);
        ingest.submit(batch(List.of(payload(0, "a"))));
        ingest.close();
        ingest.join(Duration.ofSeconds(10));
        assertThat(this.next.submitted).hasSize(1);
        assertThat(this.next.calls).endsWith("close", "join");
        assertThat(this.next.joinTimeout).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void submitAfterCloseThrows() {
        IngestBatch<String, String> ingest = ingest((values) -> values);
        ingest.close();
        assertThatIllegalStateException().isThrownBy(() -> ingest.submit(batch(List.of(payload(0, "a")))));
        assertThat(this.calls).isEmpty();
    }

    @Test
    void terminateDropsTheCarriedBatchAndTerminatesTheNextStep() {
        IngestBatch<String, String> ingest = ingest((values) -> values);
        this.next.rejecting(true);
        ingest.submit(batch(List.of(payload(0, "a"))));
        ingest.terminate();
        this.next.rejecting(false);
        ingest.poll();
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.next.calls).contains("terminate");
    }

    private IngestBatch<String, String> ingest(Function<List<String>, List<String>> work) {
        BatchInputProcessor<String, String> processor = (values, context) -> {
            this.calls.add(values);
            return work.apply(values);
        };
        return new IngestBatch<>(processor, this.context, THREE_ATTEMPTS, this.next);
    }

    private static InvalidMessage invalidInput() {
        return new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT, new RuntimeException("undecodable"));
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
