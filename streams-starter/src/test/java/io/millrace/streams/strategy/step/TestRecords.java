package io.millrace.streams.strategy.step;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import io.millrace.streams.strategy.Message;

/**
 * Consumed records and messages for the step tests.
 */
public final class TestRecords {

    public static final long TIMESTAMP = 1_700_000_000_000L;

    private TestRecords() {
    }

    public static ConsumerRecord<byte[], byte[]> record(String topic, int partition, long offset, String key, String value,
            Header... headers) {
        return new ConsumerRecord<>(topic, partition, offset, TIMESTAMP, TimestampType.CREATE_TIME, -1, -1,
                bytes(key), bytes(value), new RecordHeaders(headers), Optional.empty());
    }

    public static ConsumerRecord<byte[], byte[]> record(long offset, String value) {
        return record("in", 0, offset, "k" + offset, value);
    }

    public static Message<ConsumerRecord<byte[], byte[]>> message(long offset, String value) {
        return Message.of(record(offset, value));
    }

    public static Header header(String key, String value) {
        return new RecordHeader(key, bytes(value));
    }

    public static byte[] bytes(String value) {
        return (value != null) ? value.getBytes(StandardCharsets.UTF_8) : null;
    }

    public static String string(byte[] value) {
        return (value != null) ? new String(value, StandardCharsets.UTF_8) : null;
    }
}
