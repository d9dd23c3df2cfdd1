package io.millrace.streams.runtime;

import java.time.Clock;

import org.apache.kafka.clients.producer.Producer;

import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.strategy.PipelineListener;
import io.millrace.streams.strategy.RecordLimits;
import io.millrace.streams.strategy.RecordSize;
import io.millrace.streams.table.Tables;

/**
 * What one consumer client provides its pipeline: build a custom pipeline from the steps with these, ending in
 * {@code Produce(producer(), deadLetters(), ..., listener(), new CommitOffsets<>(commit, ...))}.
 *
 * @param definition the stream
 * @param settings its settings
 * @param producer the client's producer; owned by the runtime, do not close it
 * @param deadLetters the stream's dead-letter policy
 * @param listener the stream's counters: pass it to {@code Produce} so the endpoint and metrics count records
 * @param clock the clock
 * @param tables the stream's tables in this instance: hand them to the workers' contexts
 * @param recordLimits the largest record each topic takes (the producer's {@code max.request.size}, or a topic's
 * smaller {@code max.message.bytes}): pass them to {@code Route}, which dead-letters a record whose output or table
 * write is larger instead of letting the send fail (under exactly-once, the transaction with it)
 */
public record StreamResources(StreamDefinition definition, StreamSettings settings,
        Producer<byte[], byte[]> producer, DeadLetters deadLetters, PipelineListener listener, Clock clock,
        Tables tables, RecordLimits recordLimits) {

    /**
     * Resources whose records are limited by the producer's {@code max.request.size} only.
     */
    public StreamResources(StreamDefinition definition, StreamSettings settings, Producer<byte[], byte[]> producer,
            DeadLetters deadLetters, PipelineListener listener, Clock clock, Tables tables, int maxRecordSize) {
        this(definition, settings, producer, deadLetters, listener, clock, tables, RecordLimits.of(maxRecordSize));
    }

    /**
     * Resources with the producer's default {@code max.request.size}.
     */
    public StreamResources(StreamDefinition definition, StreamSettings settings, Producer<byte[], byte[]> producer,
            DeadLetters deadLetters, PipelineListener listener, Clock clock, Tables tables) {
        this(definition, settings, producer, deadLetters, listener, clock, tables,
                RecordSize.DEFAULT_MAX_REQUEST_SIZE);
    }

    /**
     * Resources of a stream without tables.
     */
    public StreamResources(StreamDefinition definition, StreamSettings settings, Producer<byte[], byte[]> producer,
            DeadLetters deadLetters, PipelineListener listener, Clock clock) {
        this(definition, settings, producer, deadLetters, listener, clock, Tables.NONE);
    }

    public StreamResources {
        tables = (tables != null) ? tables : Tables.NONE;
        recordLimits = (recordLimits != null) ? recordLimits : RecordLimits.of(RecordSize.DEFAULT_MAX_REQUEST_SIZE);
    }

    /**
     * The producer's {@code max.request.size}.
     * @return the limit in bytes
     */
    public int maxRecordSize() {
        return this.recordLimits.maxRequestSize();
    }
}
