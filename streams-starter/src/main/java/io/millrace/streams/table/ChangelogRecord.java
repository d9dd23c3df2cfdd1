package io.millrace.streams.table;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A table write on its way to the changelog partition equal to the input partition. Sent at the commit (the latest
 * value of a key once, see {@link TablePartition#changelogAtCommit()}), or with the input record's outputs for a
 * partition that does not write at the commit; either way the input offset is committed only once the write is
 * acknowledged. The acknowledgement moves the table partition's changelog position, which its checkpoint records; a
 * failure hands the write back to it ({@link TablePartition#unacknowledged}). The sender calls it back.
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
        else if (exception != null) {
            this.table.unacknowledged(key(), value());
        }
    }
}
