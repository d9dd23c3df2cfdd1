package io.millrace.streams.strategy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;

import io.millrace.streams.schema.SchemaException;

import static io.millrace.streams.strategy.step.TestRecords.header;
import static io.millrace.streams.strategy.step.TestRecords.record;
import static io.millrace.streams.strategy.step.TestRecords.string;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DeadLetters}.
 */
class DeadLettersTests {

    private final DeadLetters deadLetters = new DeadLetters("animals-dlt", "animals", "app-animals");

    @Test
    void headerNamesAreSpringKafkasDeadLetterHeaderNames() {
        assertThat(DeadLetters.EXCEPTION_FQCN).isEqualTo(KafkaHeaders.DLT_EXCEPTION_FQCN);
        assertThat(DeadLetters.EXCEPTION_CAUSE_FQCN).isEqualTo(KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN);
        assertThat(DeadLetters.EXCEPTION_MESSAGE).isEqualTo(KafkaHeaders.DLT_EXCEPTION_MESSAGE);
        assertThat(DeadLetters.EXCEPTION_STACKTRACE).isEqualTo(KafkaHeaders.DLT_EXCEPTION_STACKTRACE);
        assertThat(DeadLetters.ORIGINAL_TOPIC).isEqualTo(KafkaHeaders.DLT_ORIGINAL_TOPIC);
        assertThat(DeadLetters.ORIGINAL_PARTITION).isEqualTo(KafkaHeaders.DLT_ORIGINAL_PARTITION);
        assertThat(DeadLetters.ORIGINAL_OFFSET).isEqualTo(KafkaHeaders.DLT_ORIGINAL_OFFSET);
        assertThat(DeadLetters.ORIGINAL_TIMESTAMP).isEqualTo(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP);
        assertThat(DeadLetters.ORIGINAL_TIMESTAMP_TYPE).isEqualTo(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP_TYPE);
        assertThat(DeadLetters.ORIGINAL_CONSUMER_GROUP).isEqualTo(KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP);
    }

    @Test
    void aDeadLetterGoesToTheDeadLetterTopicWithTheOriginalKeyValueAndHeaders() {
        ConsumerRecord<byte[], byte[]> origin = record("animals", 3, 42, "key-7", "{\"id\":\"x\"}",
                header("trace", "t-1"), header("trace", "t-2"), header("tenant", "acme"));
        ProducerRecord<byte[], byte[]> deadLetter = this.deadLetters.record(origin, invalidInput());
        assertThat(deadLetter.topic()).isEqualTo("animals-dlt").isEqualTo(this.deadLetters.topic());
        assertThat(deadLetter.partition()).isNull();
        assertThat(deadLetter.key()).isEqualTo(origin.key());
        assertThat(deadLetter.value()).isEqualTo(origin.value());
        Header[] headers = deadLetter.headers().toArray();
        assertThat(headers).extracting(Header::key).startsWith("trace", "trace", "tenant");
        assertThat(headers).extracting((header) -> string(header.value())).startsWith("t-1", "t-2", "acme");
    }

    @Test
    void theOriginalRecordsHeadersAreNotChanged() {
        ConsumerRecord<byte[], byte[]> origin = record("animals", 0, 1, "k", "v", header("trace", "t-1"));
        this.deadLetters.record(origin, invalidInput());
        assertThat(origin.headers().toArray()).extracting(Header::key).containsExactly("trace");
    }

    @Test
    void aTombstoneIsDeadLetteredAsATombstone() {
        ProducerRecord<byte[], byte[]> deadLetter = this.deadLetters.record(record("animals", 0, 1, null, null),
                invalidInput());
        assertThat(deadLetter.key()).isNull();
        assertThat(deadLetter.value()).isNull();
    }

    @Test
    void aDeadLetterSaysWhereTheRecordCameFromInSpringKafkasEncoding() {
        ConsumerRecord<byte[], byte[]> origin = new ConsumerRecord<>("animals", 70_000, 5_000_000_000L,
                1_700_000_000_123L, TimestampType.LOG_APPEND_TIME, -1, -1, null, new byte[] { 1 },
                new RecordHeaders(), Optional.empty());
        ProducerRecord<byte[], byte[]> deadLetter = this.deadLetters.record(origin, invalidInput());
        assertThat(string(headerValue(deadLetter, KafkaHeaders.DLT_ORIGINAL_TOPIC))).isEqualTo("animals");
        assertThat(headerValue(deadLetter, KafkaHeaders.DLT_ORIGINAL_PARTITION)).hasSize(4)
            .isEqualTo(ByteBuffer.allocate(4).putInt(70_000).array());
        assertThat(headerValue(deadLetter, KafkaHeaders.DLT_ORIGINAL_OFFSET)).hasSize(8)
            .isEqualTo(new byte[] { 0, 0, 0, 1, 0x2a, 0x05, (byte) 0xf2, 0x00 });
        assertThat(ByteBuffer.wrap(headerValue(deadLetter, KafkaHeaders.DLT_ORIGINAL_TIMESTAMP)).getLong())
            .isEqualTo(1_700_000_000_123L);
        assertThat(headerValue(deadLetter, KafkaHeaders.DLT_ORIGINAL_TIMESTAMP)).hasSize(8);
        assertThat(string(headerValue(deadLetter, KafkaHeaders.DLT_ORIGINAL_TIMESTAMP_TYPE)))
            .isEqualTo("LogAppendTime");
        assertThat(string(headerValue(deadLetter, KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP))).isEqualTo("app-animals");
        assertThat(string(headerValue(deadLetter, DeadLetters.STREAM))).isEqualTo("animals");
    }

    @Test
    void aDeadLetterSaysWhyTheRecordFailed() {
        IllegalStateException root = new IllegalStateException("connection refused");
        RuntimeException failure = new RuntimeException("lookup failed", new IllegalArgumentException("wrapped", root));
        ProducerRecord<byte[], byte[]> deadLetter = this.deadLetters.record(record("animals", 0, 1, "k", "v"),
                new InvalidMessage(InvalidMessage.Reason.PROCESSOR_FAILED, failure));
        assertThat(string(headerValue(deadLetter, KafkaHeaders.DLT_EXCEPTION_FQCN)))
            .isEqualTo(RuntimeException.class.getName());
        assertThat(string(headerValue(deadLetter, KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN)))
            .isEqualTo(IllegalStateException.class.getName());
        assertThat(string(headerValue(deadLetter, KafkaHeaders.DLT_EXCEPTION_MESSAGE))).isEqualTo("lookup failed");
        assertThat(string(headerValue(deadLetter, KafkaHeaders.DLT_EXCEPTION_STACKTRACE)))
            .startsWith(RuntimeException.class.getName() + ": lookup failed")
            .contains("DeadLettersTests");
        assertThat(string(headerValue(deadLetter, DeadLetters.REASON))).isEqualTo("PROCESSOR_FAILED");
    }

    @Test
    void theExceptionOfAnInvalidInputIsTheSchemasViolation() {
        ProducerRecord<byte[], byte[]> deadLetter = this.deadLetters.record(record("animals", 0, 1, "k", "v"),
                invalidInput());
        assertThat(string(headerValue(deadLetter, KafkaHeaders.DLT_EXCEPTION_FQCN)))
            .isEqualTo(SchemaException.class.getName());
        assertThat(string(headerValue(deadLetter, KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN)))
            .isEqualTo(SchemaException.class.getName());
        assertThat(string(headerValue(deadLetter, KafkaHeaders.DLT_EXCEPTION_MESSAGE)))
            .isEqualTo("Invalid Animal: name: must not be blank");
        assertThat(string(headerValue(deadLetter, DeadLetters.REASON))).isEqualTo("INVALID_INPUT");
    }

    @Test
    void theStackTraceIsCutToItsMaximumLength() {
        RuntimeException failure = new RuntimeException("x".repeat(10_000));
        ProducerRecord<byte[], byte[]> deadLetter = this.deadLetters.record(record("animals", 0, 1, "k", "v"),
                new InvalidMessage(InvalidMessage.Reason.PROCESSOR_FAILED, failure));
        assertThat(string(headerValue(deadLetter, KafkaHeaders.DLT_EXCEPTION_STACKTRACE)))
            .hasSize(DeadLetters.MAX_STACKTRACE)
            .startsWith(RuntimeException.class.getName() + ": xxx");
    }

    private static InvalidMessage invalidInput() {
        return new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT,
                new SchemaException("Invalid Animal", List.of("name: must not be blank")));
    }

    private static byte[] headerValue(ProducerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header %s", name).isNotNull();
        return header.value();
    }
}
