package io.millrace.streams.strategy;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;

/**
 * The size check a producer makes before it sends a record ({@code max.request.size}), made before the record is
 * sent: a record too large fails at once and for good, and under {@code exactly-once} it would poison the open
 * transaction (the producer refuses every later send until an abort, and the replay would fail the same way). Checked
 * first, it dead-letters its input record like any other invalid output.
 */
public final class RecordSize {

    /** The producer's default {@code max.request.size}. */
    public static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

    /** No limit: every record passes. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    private RecordSize() {
    }

    /**
     * The {@code max.request.size} of a producer's properties.
     * @param properties producer properties
     * @return the limit, the producer's default if unset
     */
    public static int maxRequestSize(Map<String, ?> properties) {
        Object value = properties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (value == null) {
            return DEFAULT_MAX_REQUEST_SIZE;
        }
        if (value instanceof Number number) {
            return number.intValue();
        }
        return Integer.parseInt(value.toString().trim());
    }

    /**
     * The most bytes a record takes in a batch, as the producer reckons before its {@code max.request.size} check.
     * @param record the record
     * @return its upper bound in bytes
     */
    public static int upperBound(ProducerRecord<byte[], byte[]> record) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
                record.key(), record.value(), record.headers().toArray());
    }
}
