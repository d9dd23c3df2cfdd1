package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.schema.SchemaException;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;
import io.millrace.streams.strategy.RetryPolicy;
import io.millrace.streams.strategy.worker.WorkerContext;

import static io.millrace.streams.strategy.step.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for {@link Ingest}.
 */
class IngestTests {

    private static final RetryPolicy THREE_ATTEMPTS = new RetryPolicy(3, Duration.ZERO, 1, Duration.ZERO);

    private final RecordingStep<String> next = new RecordingStep<>();

    private final WorkerContext context = new WorkerContext("words", Map.of("greeting", "hi"));

    @Test
    void theProcessorsResultIsHandedOnWithTheSameOffsets() {
        Ingest<String, String> ingest = ingest((value, context) -> value.toUpperCase());
        Message<String> message = payload(4, "apple");
        ingest.submit(message);
        assertThat(this.next.submitted).singleElement().satisfies((result) -> {
            assertThat(result.payload()).isEqualTo("APPLE");
            assertThat(result.committable()).isEqualTo(message.committable());
        });
    }

    @Test
    void theProcessorSeesTheRecordInItsContextAndOnlyWhileItRuns() {
        List<String> seen = new ArrayList<>();
        Ingest<String, String> ingest = ingest((value, context) -> {
            seen.add(context.stream() + " " + context.topic() + "-" + context.partition() + "@" + context.offset()
                    + " key=" + context.keyAsString() + " greeting=" + context.properties().get("greeting"));
            return value;
        });
        ingest.submit(payload(9, "apple"));
        assertThat(seen).containsExactly("words in-0@9 key=k9 greeting=hi");
        assertThat(this.context.topic()).isNull();
        assertThat(this.context.offset()).isEqualTo(-1);
    }

    @Test
    void aNullResultFiltersTheMessageButKeepsItsOffsets() {
        Ingest<String, String> ingest = ingest((value, context) -> null);
        Message<String> message = payload(2, "apple");
        ingest.submit(message);
        assertThat(this.next.submitted).singleElement().satisfies((result) -> {
            assertThat(result.isFiltered()).isTrue();
            assertThat(result.hasPayload()).isFalse();
            assertThat(result.invalid()).isNull();
            assertThat(result.committable()).isEqualTo(message.committable());
        });
    }

    @Test
    void aFailingProcessorIsRetriedPerThePolicyThenTheMessageIsInvalidAsProcessorFailed() {
        AtomicInteger calls = new AtomicInteger();
        IllegalStateException failure = new IllegalStateException("boom");
        Ingest<String, String> ingest = ingest((value, context) -> {
            calls.incrementAndGet();
            throw failure;
        });
        ingest.submit(payload(0, "apple"));
        assertThat(calls).hasValue(3);
        assertThat(this.next.submitted).singleElement().satisfies((result) -> {
            assertThat(result.invalid().reason()).isEqualTo(InvalidMessage.Reason.PROCESSOR_FAILED);
            assertThat(result.invalid().getCause()).isSameAs(failure);
        });
    }

    @Test
    void aProcessorThatSucceedsOnARetryIsNotDeadLettered() {
        AtomicInteger calls = new AtomicInteger();
        Ingest<String, String> ingest = ingest((value, context) -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("flaky");
            }
            return value + "!";
        });
        ingest.submit(payload(0, "apple"));
        assertThat(calls).hasValue(2);
        assertThat(this.next.payloads()).containsExactly("apple!");
    }

    @Test
    void aSchemaExceptionFromTheProcessorIsNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        Ingest<String, String> ingest = ingest((value, context) -> {
            calls.incrementAndGet();
            throw new SchemaException("bad", List.of("name: must not be blank"));
        });
        ingest.submit(payload(0, "apple"));
        assertThat(calls).hasValue(1);
        assertThat(this.next.submitted).singleElement()
            .satisfies((result) -> assertThat(result.invalid().reason())
                .isEqualTo(InvalidMessage.Reason.PROCESSOR_FAILED));
    }

    @Test
    void filteredAndInvalidMessagesPassThroughUntouchedWithoutCallingTheProcessor() {
        AtomicInteger calls = new AtomicInteger();
        Ingest<String, String> ingest = ingest((value, context) -> {
            calls.incrementAndGet();
            return value;
        });
        Message<String> filtered = payload(0, "a").filtered();
        Message<String> invalid = payload(1, "b")
            .invalid(new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT, new RuntimeException("undecodable")));
        ingest.submit(filtered);
        ingest.submit(invalid);
        assertThat(calls).hasValue(0);
        assertThat(this.next.submitted).hasSize(2);
        assertThat(this.next.submitted.get(0)).isSameAs(filtered);
        assertThat(this.next.submitted.get(1)).isSameAs(invalid);
    }

    @Test
    void userCodeRunsExactlyOnceWhenTheNextStepRejectsAndTheResultIsForwardedOnPoll() {
        List<String> ingested = new ArrayList<>();
        Ingest<String, String> ingest = ingest((value, context) -> {
            ingested.add(value);
            return value.toUpperCase();
        });
        this.next.rejecting(true);
        ingest.submit(payload(0, "a"));
        assertThat(this.next.submitted).isEmpty();
        assertThatExceptionOfType(MessageRejected.class).isThrownBy(() -> ingest.submit(payload(1, "b")));
        ingest.poll();
        assertThat(ingested).containsExactly("a");
        this.next.rejecting(false);
        ingest.poll();
        assertThat(this.next.payloads()).containsExactly("A");
        ingest.submit(payload(1, "b"));
        assertThat(ingested).containsExactly("a", "b");
        assertThat(this.next.payloads()).containsExactly("A", "B");
    }

    @Test
    void pollDrivesTheNextStep() {
        ingest((value, context) -> value).poll();
        assertThat(this.next.calls).containsExactly("poll");
    }

    @Test
    void joinFlushesTheCarriedMessageThenClosesAndJoinsTheNextStep() {
        Ingest<String, String> ingest = ingest((value, context) -> value.toUpperCase());
        this.next.rejectNext(3);
        ingest.submit(payload(0, "a"));
        ingest.close();
        ingest.join(Duration.ofSeconds(10));
        assertThat(this.next.payloads()).containsExactly("A");
        assertThat(this.next.calls).endsWith("close", "join");
        assertThat(this.next.joinTimeout).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void joinGivesUpOnTheCarriedMessageWhenTheTimeoutPasses() {
        Ingest<String, String> ingest = ingest((value, context) -> value);
        this.next.rejecting(true);
        ingest.submit(payload(0, "a"));
        ingest.close();
        // A join that ignored its timeout would block for good: bounded far above what honouring it takes.
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> ingest.join(Duration.ofMillis(100)));
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.next.calls).endsWith("close", "join");
        assertThat(this.next.joinTimeout).isLessThanOrEqualTo(Duration.ofMillis(100));
    }

    private Ingest<String, String> ingest(InputProcessor<String, String> processor) {
        return new Ingest<>(processor, this.context, THREE_ATTEMPTS, this.next);
    }

    private static Message<String> payload(long offset, String value) {
        return Message.of(record(offset, value)).withPayload(value);
    }
}
