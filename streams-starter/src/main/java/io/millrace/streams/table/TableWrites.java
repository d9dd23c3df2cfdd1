package io.millrace.streams.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;


/**
 * The table writes of the record a worker is processing: seen by the record's own reads, applied and sent to the
 * changelogs when the record is finished, dropped if it fails or is retried. Confined to the worker's thread.
 */
public final class TableWrites {

    /** What {@link #lookup} returns for a key this record did not write. */
    public static final byte[] NOT_WRITTEN = new byte[0];

    private static final Header[] NO_HEADERS = new Header[0];

    private final List<Write> writes = new ArrayList<>();

    /** What happens once the record is finished, in order: windowed tables' counters and times. */
    private final List<Runnable> onFinish = new ArrayList<>();

    /**
     * Records a put or delete.
     * @param table the table partition
     * @param key the encoded key
     * @param value the encoded value, or {@code null} to delete
     */
    public void add(TablePartition table, byte[] key, byte[] value) {
        this.writes.add(new Write(table, key, value));
    }

    /**
     * This record's latest write of a key.
     * @param table the table partition
     * @param key the encoded key
     * @return the value written, {@code null} if deleted, or {@link #NOT_WRITTEN} (compare by identity)
     */
    public byte[] lookup(TablePartition table, byte[] key) {
        for (int i = this.writes.size() - 1; i >= 0; i--) {
            Write write = this.writes.get(i);
            if (write.table == table && Arrays.equals(write.key, key)) {
                return write.value;
            }
        }
        return NOT_WRITTEN;
    }

    /**
     * The writes of one table partition, latest per key, in key order of first write.
     * @param table the table partition
     * @return encoded key to encoded value ({@code null} for deleted)
     */
    public Map<ByteKey, byte[]> of(TablePartition table) {
        Map<ByteKey, byte[]> latest = new LinkedHashMap<>();
        for (Write write : this.writes) {
            if (write.table == table) {
                latest.put(new ByteKey(write.key), write.value);
            }
        }
        return latest;
    }

    public boolean isEmpty() {
        return this.writes.isEmpty() && this.onFinish.isEmpty();
    }

    /**
     * Runs an action when the record is finished, not if it fails.
     * @param action the action
     */
    public void onFinish(Runnable action) {
        this.onFinish.add(action);
    }

    /**
     * Where a retried attempt starts from.
     * @return the mark
     */
    public int mark() {
        return (this.onFinish.size() << 20) | this.writes.size();
    }

    /**
     * Forgets the writes made after a mark.
     * @param mark from {@link #mark()}
     */
    public void rollback(int mark) {
        int writes = mark & 0xFFFFF;
        int actions = mark >>> 20;
        for (int i = this.writes.size() - 1; i >= writes; i--) {
            this.writes.remove(i);
        }
        for (int i = this.onFinish.size() - 1; i >= actions; i--) {
            this.onFinish.remove(i);
        }
    }

    /**
     * Checks the size of every write's changelog record.
     * @param check says why a record of a table, for a changelog topic, of a size, is too large, or {@code null}
     * @return the first reason, or {@code null} if every record fits
     */
    public String tooLarge(SizeCheck check) {
        for (Write write : this.writes) {
            int size = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE,
                    CompressionType.NONE, write.key, write.value, NO_HEADERS);
            String reason = check.tooLarge(write.table.definition().name(), write.table.changelogTopic(), size);
            if (reason != null) {
                return reason;
            }
        }
        return null;
    }

    /** Checks the size of a changelog record. */
    @FunctionalInterface
    public interface SizeCheck {

        /**
         * @param table the table's name
         * @param topic its changelog topic
         * @param size the record's upper bound in bytes, as the producer reckons it
         * @return why it is too large, or {@code null} if it fits
         */
        String tooLarge(String table, String topic, int size);
    }

    /** Forgets every write: the record failed. */
    public void discard() {
        this.writes.clear();
        this.onFinish.clear();
    }

    /**
     * The record is finished: applies its writes to their table partitions and adds their changelog records (except
     * for partitions that write their changelog at the commit: {@link TablePartition#changelogAtCommit()}).
     * @param records the record's outputs, to which the changelog records are added
     */
    public void finish(List<ProducerRecord<byte[], byte[]>> records) {
        if (!this.onFinish.isEmpty()) {
            this.onFinish.forEach(Runnable::run);
            this.onFinish.clear();
        }
        if (this.writes.isEmpty()) {
            return;
        }
        if (this.writes.size() == 1) {
            Write write = this.writes.get(0);
            write.table.apply(List.of(new KeyValue(write.key, write.value)));
            if (!write.table.changelogAtCommit()) {
                records.add(new ChangelogRecord(write.table, write.key, write.value));
            }
        }
        else {
            Map<TablePartition, List<KeyValue>> byTable = new LinkedHashMap<>();
            for (Write write : this.writes) {
                byTable.computeIfAbsent(write.table, (key) -> new ArrayList<>())
                    .add(new KeyValue(write.key, write.value));
                if (!write.table.changelogAtCommit()) {
                    records.add(new ChangelogRecord(write.table, write.key, write.value));
                }
            }
            byTable.forEach(TablePartition::apply);
        }
        this.writes.clear();
    }

    /** A key compared by content. */
    public record ByteKey(byte[] bytes) {

        @Override
        public boolean equals(Object other) {
            return other instanceof ByteKey key && Arrays.equals(this.bytes, key.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(this.bytes);
        }
    }

    private record Write(TablePartition table, byte[] key, byte[] value) {
    }
}
