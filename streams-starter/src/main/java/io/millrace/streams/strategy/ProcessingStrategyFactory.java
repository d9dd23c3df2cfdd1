package io.millrace.streams.strategy;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Builds a stream's pipeline anew on every partition assignment.
 *
 * <p>A bean of this type named in {@code millrace.streams.<name>.strategy} replaces a stream's default pipeline.
 */
@FunctionalInterface
public interface ProcessingStrategyFactory {

    /**
     * Builds the pipeline for the given assignment.
     * @param commit where the last step reports offsets that are safe to commit
     * @param partitions the assigned partitions with their current positions
     * @return the first step of the pipeline
     */
    ProcessingStrategy<ConsumerRecord<byte[], byte[]>> createWithPartitions(Commit commit,
            Map<TopicPartition, Long> partitions);

    /**
     * Releases what the factory holds when the stream stops. Called also after a crash of the pipeline.
     */
    default void shutdown() {
    }
}
