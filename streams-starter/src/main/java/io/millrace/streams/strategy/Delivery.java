package io.millrace.streams.strategy;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record handed to a demand-driven subscriber: its processed value, where it came from, and the
 * acknowledgement that lets its offset be committed.
 *
 * @param <T> the value type
 */
public final class Delivery<T> {

    private final T value;

    private final ConsumerRecord<byte[], byte[]> record;

    private volatile boolean acknowledged;

    public Delivery(T value, ConsumerRecord<byte[], byte[]> record) {
        this.value = value;
        this.record = record;
    }

    /**
     * The value, decoded and ingested by the stream's input processor.
     * @return the value
     */
    public T value() {
        return this.value;
    }

    /**
     * The record the value came from: key, headers, topic, partition, offset, timestamp.
     * @return the record
     */
    public ConsumerRecord<byte[], byte[]> record() {
        return this.record;
    }

    /**
     * Marks the value as done: its offset may be committed once every earlier value of its partition is done too.
     * Any thread; idempotent.
     */
    public void ack() {
        this.acknowledged = true;
    }

    /**
     * Whether {@link #ack()} was called.
     * @return {@code true} if acknowledged
     */
    public boolean isAcknowledged() {
        return this.acknowledged;
    }
}
