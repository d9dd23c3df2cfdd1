package io.millrace.streams.strategy.step;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.processor.StreamContext;

/**
 * The {@link StreamContext} of one worker: its attributes live as long as the worker, the record accessors
 * describe the record being processed. Confined to the worker's thread.
 */
public final class WorkerContext implements StreamContext {

    private static final Headers NO_HEADERS = readOnlyEmptyHeaders();

    private final String stream;

    private final Map<String, String> properties;

    private final Logger logger;

    private final Map<String, Object> attributes = new HashMap<>();

    private ConsumerRecord<byte[], byte[]> record;

    /**
     * Creates a worker's context.
     * @param stream the stream name
     * @param properties the stream's properties
     */
    public WorkerContext(String stream, Map<String, String> properties) {
        this.stream = stream;
        this.properties = Map.copyOf(properties);
        this.logger = LoggerFactory.getLogger("io.millrace.streams.stream." + stream);
    }

    /**
     * Makes a record current, or none.
     * @param record the record being processed, or {@code null}
     */
    public void setRecord(ConsumerRecord<byte[], byte[]> record) {
        this.record = record;
    }

    private static Headers readOnlyEmptyHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.setReadOnly();
        return headers;
    }

    @Override
    public String stream() {
        return this.stream;
    }

    @Override
    public byte[] key() {
        return (this.record != null) ? this.record.key() : null;
    }

    @Override
    public String keyAsString() {
        byte[] key = key();
        return (key != null) ? new String(key, StandardCharsets.UTF_8) : null;
    }

    @Override
    public Headers headers() {
        return (this.record != null) ? this.record.headers() : NO_HEADERS;
    }

    @Override
    public String topic() {
        return (this.record != null) ? this.record.topic() : null;
    }

    @Override
    public int partition() {
        return (this.record != null) ? this.record.partition() : -1;
    }

    @Override
    public long offset() {
        return (this.record != null) ? this.record.offset() : -1;
    }

    @Override
    public long timestamp() {
        return (this.record != null) ? this.record.timestamp() : -1;
    }

    @Override
    public Logger logger() {
        return this.logger;
    }

    @Override
    public Map<String, Object> attributes() {
        return this.attributes;
    }

    @Override
    public Map<String, String> properties() {
        return this.properties;
    }
}
