package io.millrace.streams.runtime.internal;

import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What a {@link Committer} may do to the pipeline of its {@link ConsumerLoop}: exactly-once drains it before a
 * commit and rewinds it after an abort. Loop thread only.
 */
interface LoopPipeline {

    /**
     * Whether a pipeline is built.
     * @return {@code true} while partitions are assigned and a pipeline takes their records
     */
    boolean built();

    /**
     * Closes and joins the pipeline (up to the shutdown timeout) and drops it. May block.
     * @return whether every submitted record finished
     */
    boolean drain();

    /** Builds the pipeline again for the current assignment. */
    void rebuild();

    /**
     * Abandons the pipeline and every fetched record, and seeks each partition to an offset, so that its records
     * are processed again from there.
     * @param offsets per partition, where to resume
     */
    void rewind(Map<TopicPartition, Long> offsets);

    /**
     * The offsets to commit, each moved to the consumer's position where the partition has nothing in flight and
     * nothing buffered (past the commit markers of transactional input).
     * @param offsets the finished offsets
     * @return an immutable copy, moved where possible
     */
    Map<TopicPartition, OffsetAndMetadata> pastMarkers(Map<TopicPartition, OffsetAndMetadata> offsets);
}
