package io.millrace.streams.test;

import java.util.Map;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.millrace.streams.schema.Schema;

/**
 * A topic the test writes to. Each send appends one record and runs it, and all it causes, through the streams
 * before it returns.
 *
 * <p>A value is sent as given: {@code byte[]} as the bytes, a {@code String} as its UTF-8 text (JSON text for a
 * JSON schema: send invalid JSON this way; a string schema encodes strings the same way), {@code null} as a
 * tombstone, and any other object encoded by the schema of the stream that reads the topic.
 */
public final class TestInput {

    private final MillraceTestDriver driver;

    private final String topic;

    private final Schema<?> schema;

    TestInput(MillraceTestDriver driver, String topic, Schema<?> schema) {
        this.driver = driver;
        this.topic = topic;
        this.schema = schema;
    }

    /**
     * Sends a record with the driver's event time as its timestamp.
     * @param key the key: a {@code String} (UTF-8), {@code byte[]} or {@code null}
     * @param value the value
     * @return this input
     */
    public TestInput send(Object key, Object value) {
        return send(key, value, null, (Headers) null);
    }

    /**
     * Sends a record.
     * @param key the key: a {@code String} (UTF-8), {@code byte[]} or {@code null}
     * @param value the value
     * @param timestamp its timestamp, epoch milliseconds
     * @return this input
     */
    public TestInput send(Object key, Object value, long timestamp) {
        return send(key, value, timestamp, (Headers) null);
    }

    /**
     * Sends a record with headers.
     * @param key the key: a {@code String} (UTF-8), {@code byte[]} or {@code null}
     * @param value the value
     * @param timestamp its timestamp, epoch milliseconds, or {@code null} for the driver's event time
     * @param headers UTF-8 headers, in order
     * @return this input
     */
    public TestInput send(Object key, Object value, Long timestamp, Map<String, String> headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        headers.forEach((name, text) -> recordHeaders.add(name, MillraceTestDriver.utf8(text)));
        return send(key, value, timestamp, recordHeaders);
    }

    /**
     * Sends a record with headers.
     * @param key the key: a {@code String} (UTF-8), {@code byte[]} or {@code null}
     * @param value the value
     * @param timestamp its timestamp, epoch milliseconds, or {@code null} for the driver's event time
     * @param headers the headers, or {@code null}
     * @return this input
     */
    public TestInput send(Object key, Object value, Long timestamp, Headers headers) {
        this.driver.send(this.topic, null, timestamp, bytes(key, null), bytes(value, this.schema), headers);
        return this;
    }

    /**
     * Sends a record to a partition of the topic.
     * @param partition the partition
     * @param key the key
     * @param value the value
     * @param timestamp its timestamp, epoch milliseconds
     * @return this input
     */
    public TestInput sendTo(int partition, Object key, Object value, long timestamp) {
        this.driver.send(this.topic, partition, timestamp, bytes(key, null), bytes(value, this.schema), null);
        return this;
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private byte[] bytes(Object value, Schema schema) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof String text) {
            return MillraceTestDriver.utf8(text);
        }
        if (schema == null) {
            throw new IllegalArgumentException("No stream of the driver reads " + this.topic + ", so there is no "
                    + "schema to encode a " + value.getClass().getName() + ": send its text or bytes");
        }
        return schema.encode(value);
    }
}
