package io.millrace.streams.processor;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * Picks the partition of an output record, like the partitioner of a Bruco sink. Called on the worker's
 * thread for every record, so it must be thread-safe and should not block.
 */
@FunctionalInterface
public interface Partitioner {

    /**
     * The partition of a record.
     * @param topic the output topic
     * @param key the record key, or {@code null}
     * @param value the encoded value
     * @return the partition, or {@code null} to leave the choice to the producer's partitioner
     */
    Integer partition(String topic, byte[] key, byte[] value);

    /**
     * Leaves the choice to the producer: by a hash of the key (Kafka's default), which keeps the records of a
     * key in one partition; records without a key are spread in sticky batches.
     * @return the partitioner
     */
    static Partitioner hash() {
        return ByKeyHash.INSTANCE;
    }

    /**
     * Sends every record to one partition.
     * @param partition the partition
     * @return the partitioner
     */
    static Partitioner manual(int partition) {
        if (partition < 0) {
            throw new IllegalArgumentException("partition must not be negative: " + partition);
        }
        return (topic, key, value) -> partition;
    }

    /**
     * Sends each record to a partition picked at random, whatever its key.
     * @param partitionCount the output topic's partition count, asked on first use only: partitions are never
     * removed, so a count once true never names a partition that does not exist
     * @return the partitioner
     */
    static Partitioner random(IntSupplier partitionCount) {
        return new AtRandom(partitionCount);
    }
}

/** Kafka's own choice. */
enum ByKeyHash implements Partitioner {

    INSTANCE;

    @Override
    public Integer partition(String topic, byte[] key, byte[] value) {
        return null;
    }
}

/** A uniformly random partition of the count looked up once. */
final class AtRandom implements Partitioner {

    private final IntSupplier partitionCount;

    /** The looked-up count; 0 until the first record, as no topic has no partition. */
    private volatile int count;

    AtRandom(IntSupplier partitionCount) {
        this.partitionCount = partitionCount;
    }

    @Override
    public Integer partition(String topic, byte[] key, byte[] value) {
        int partitions = this.count;
        if (partitions == 0) {
            // Two workers may both look it up at first; they find the same count.
            partitions = this.partitionCount.getAsInt();
            if (partitions <= 0) {
                throw new IllegalStateException("Topic " + topic + " has no partitions to pick from");
            }
            this.count = partitions;
        }
        return ThreadLocalRandom.current().nextInt(partitions);
    }
}
