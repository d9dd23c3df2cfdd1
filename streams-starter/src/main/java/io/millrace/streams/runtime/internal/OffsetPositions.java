package io.millrace.streams.runtime.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Moves offsets to commit past the commit markers of transactional input.
 */
final class OffsetPositions {

    private OffsetPositions() {
    }

    /**
     * The offsets to commit, each moved to the consumer's position where the partition has nothing in flight and
     * nothing buffered: the position is past the commit markers (and aborted records) of transactional input, which
     * the offset after the last record is not. Committing that offset would leave the group a lag of at least one
     * forever on input written under exactly-once (as Kafka Streams does, the position is committed instead).
     * @param offsets the offsets the pipeline reported
     * @param consumer the loop's consumer (positions are local, no network)
     * @param progress what is in flight per partition
     * @param buffered records fetched and not yet submitted
     * @return an immutable copy, moved where possible
     */
    static Map<TopicPartition, OffsetAndMetadata> pastMarkers(Map<TopicPartition, OffsetAndMetadata> offsets,
            Consumer<?, ?> consumer, PartitionProgress progress, Collection<ConsumerRecord<byte[], byte[]>> buffered) {
        Map<TopicPartition, OffsetAndMetadata> moved = new HashMap<>(offsets);
        Set<Integer> bufferedPartitions = null;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : offsets.entrySet()) {
            TopicPartition partition = entry.getKey();
            if (!progress.idle(partition.partition())) {
                continue;
            }
            if (bufferedPartitions == null) {
                bufferedPartitions = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> record : buffered) {
                    bufferedPartitions.add(record.partition());
                }
            }
            if (bufferedPartitions.contains(partition.partition())) {
                continue;
            }
            long position;
            try {
                position = consumer.position(partition, Duration.ZERO);
            }
            catch (RuntimeException ex) {
                continue;
            }
            if (position > entry.getValue().offset()) {
                moved.put(partition, new OffsetAndMetadata(position, entry.getValue().metadata()));
            }
        }
        return Map.copyOf(moved);
    }
}
