package io.millrace.streams.table;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A table write on its way to the changelog partition equal to the input partition. It travels with the input
 * record's outputs, so the input offset is committed only once the write is acknowledged; the acknowledgement moves
 * the table partition's changelog position, which its checkpoint records. The producer step calls it back.
 */
public final class ChangelogRecord extends ProducerRecord<byte[], byte[]> implements Callback {

    private final TablePartition table;

    /**
     * A write of a table partition to its changelog partition.
     * @param table the table partition, called back when the broker acknowledges the write
     * @param key the encoded key
     * @param value the encoded value, {@code null} to delete
     */
    public ChangelogRecord(TablePartition table, byte[] key, byte[] value) {
        super(table.changelogTopic(), table.partition(), key, value);
        this.table = table;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
        if (exception == null && metadata != null) {
            this.table.acknowledged(metadata.offset());
        }
    }
}
