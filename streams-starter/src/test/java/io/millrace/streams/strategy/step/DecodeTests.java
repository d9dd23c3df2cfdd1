package io.millrace.streams.strategy.step;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.millrace.streams.schema.Schema;
import io.millrace.streams.schema.SchemaException;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.MessageRejected;

import static io.millrace.streams.strategy.step.TestRecords.bytes;
import static io.millrace.streams.strategy.step.TestRecords.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link Decode}.
 */
class DecodeTests {

    private final RecordingStep<String> next = new RecordingStep<>();

    private final Decode<String> decode = new Decode<>(Schemas.string(), this.next);

    @Test
    void aValidValueBecomesThePayloadWithTheSameOffsets() {
        Message<ConsumerRecord<byte[], byte[]>> message = message(7, "hello");
        this.decode.submit(message);
        assertThat(this.next.submitted).singleElement().satisfies((decoded) -> {
            assertThat(decoded.payload()).isEqualTo("hello");
            assertThat(decoded.hasPayload()).isTrue();
            assertThat(decoded.origin()).isSameAs(message.origin());
            assertThat(decoded.committable()).isEqualTo(message.committable());
        });
    }

    @Test
    void aValueTheSchemaRejectsBecomesAnInvalidMessageForInvalidInput() {
        Message<ConsumerRecord<byte[], byte[]>> tombstone = message(3, null);
        this.decode.submit(tombstone);
        assertThat(this.next.submitted).singleElement().satisfies((decoded) -> {
            assertThat(decoded.hasPayload()).isFalse();
            assertThat(decoded.payload()).isNull();
            assertThat(decoded.invalid().reason()).isEqualTo(InvalidMessage.Reason.INVALID_INPUT);
            assertThat(decoded.invalid()).hasCauseInstanceOf(SchemaException.class);
            assertThat(decoded.origin()).isSameAs(tombstone.origin());
            assertThat(decoded.committable()).isEqualTo(tombstone.committable());
        });
    }

    @Test
    void anyExceptionOfAUserSchemaIsInvalidInputRatherThanAFailureOfTheStream() {
        IllegalArgumentException failure = new IllegalArgumentException("not my format");
        Decode<String> decode = new Decode<>(new FailingSchema(failure), this.next);
        decode.submit(message(0, "x"));
        assertThat(this.next.submitted).singleElement().satisfies((decoded) -> {
            assertThat(decoded.invalid().reason()).isEqualTo(InvalidMessage.Reason.INVALID_INPUT);
            assertThat(decoded.invalid().getCause()).isSameAs(failure);
        });
    }

    @Test
    void filteredAndInvalidMessagesPassThroughUntouchedWithoutDecoding() {
        CountingSchema schema = new CountingSchema();
        Decode<String> decode = new Decode<>(schema, this.next);
        Message<ConsumerRecord<byte[], byte[]>> filtered = message(0, "a").filtered();
        Message<ConsumerRecord<byte[], byte[]>> invalid = message(1, "b")
            .invalid(new InvalidMessage(InvalidMessage.Reason.PROCESSOR_FAILED, new RuntimeException("earlier")));
        decode.submit(filtered);
        decode.submit(invalid);
        assertThat(schema.decoded).hasValue(0);
        assertThat(this.next.submitted).hasSize(2);
        assertThat(this.next.submitted.get(0)).isSameAs(filtered);
        assertThat(this.next.submitted.get(1)).isSameAs(invalid);
    }

    @Test
    void aResultTheNextStepRejectsIsOfferedAgainOnPollWithoutDecodingAgain() {
        CountingSchema schema = new CountingSchema();
        Decode<String> decode = new Decode<>(schema, this.next);
        this.next.rejecting(true);
        decode.submit(message(0, "a"));
        assertThatExceptionOfType(MessageRejected.class).isThrownBy(() -> decode.submit(message(1, "b")));
        assertThat(schema.decoded).hasValue(1);
        this.next.rejecting(false);
        decode.poll();
        decode.submit(message(1, "b"));
        assertThat(this.next.payloads()).containsExactly("a", "b");
        assertThat(schema.decoded).hasValue(2);
    }

    @Test
    void aClosedStepRefusesMessages() {
        this.decode.close();
        assertThatIllegalStateException().isThrownBy(() -> this.decode.submit(message(0, "a")));
        assertThat(this.next.submitted).isEmpty();
    }

    @Test
    void joinClosesAndJoinsTheNextStep() {
        this.decode.close();
        this.decode.join(Duration.ofSeconds(5));
        assertThat(this.next.calls).containsSubsequence("close", "join");
        assertThat(this.next.joinTimeout).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void terminateDropsTheCarriedResultAndTerminatesTheNextStep() {
        this.next.rejecting(true);
        this.decode.submit(message(0, "a"));
        this.decode.terminate();
        this.next.rejecting(false);
        this.decode.poll();
        assertThat(this.next.submitted).isEmpty();
        assertThat(this.next.calls).contains("terminate");
    }

    private static final class CountingSchema implements Schema<String> {

        final AtomicInteger decoded = new AtomicInteger();

        @Override
        public Class<String> type() {
            return String.class;
        }

        @Override
        public String decode(byte[] data) {
            this.decoded.incrementAndGet();
            return Schemas.string().decode(data);
        }

        @Override
        public byte[] encode(String value) {
            return bytes(value);
        }
    }

    private record FailingSchema(RuntimeException failure) implements Schema<String> {

        @Override
        public Class<String> type() {
            return String.class;
        }

        @Override
        public String decode(byte[] data) {
            throw this.failure;
        }

        @Override
        public byte[] encode(String value) {
            throw this.failure;
        }
    }
}
