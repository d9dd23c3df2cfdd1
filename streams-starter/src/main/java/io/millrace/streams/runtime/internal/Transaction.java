package io.millrace.streams.runtime.internal;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.table.ChangelogRecord;

/**
 * The transactions of one consumer client under {@code exactly-once}: its outputs, dead letters, changelog writes
 * and input offsets commit together. Begun lazily before the first record after a commit; confined to the loop's
 * thread.
 */
final class Transaction {

    private static final Logger logger = LoggerFactory.getLogger(Transaction.class);

    private final Producer<byte[], byte[]> producer;

    private boolean open;

    Transaction(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /** Registers the transactional id, aborting what a previous incarnation left open. */
    void init() {
        this.producer.initTransactions();
    }

    /** Begins a transaction unless one is open. */
    void begin() {
        if (!this.open) {
            this.producer.beginTransaction();
            this.open = true;
        }
    }

    boolean isOpen() {
        return this.open;
    }

    /**
     * Sends a changelog record in the open transaction; the record is called back with its acknowledgement. A failed
     * send fails the commit, which then aborts.
     * @param record the record
     */
    void send(ChangelogRecord record) {
        this.producer.send(record, record);
    }

    /**
     * Commits the open transaction with the consumer's offsets.
     * @param offsets the next offset of each partition whose records the transaction finished
     * @param group the consumer's group metadata, which fences zombies of an older generation
     */
    void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        if (!this.open) {
            return;
        }
        if (!offsets.isEmpty()) {
            this.producer.sendOffsetsToTransaction(offsets, group);
        }
        this.producer.commitTransaction();
        this.open = false;
    }

    /** Aborts the open transaction, if any; its records are never read by read-committed consumers. */
    void abort() {
        if (!this.open) {
            return;
        }
        this.open = false;
        try {
            this.producer.abortTransaction();
        }
        catch (KafkaException ex) {
            // A fenced or failed producer cannot abort; the broker aborts the transaction when it times out.
            logger.warn("Aborting the transaction failed: {}", ex.toString());
            throw ex;
        }
    }
}
