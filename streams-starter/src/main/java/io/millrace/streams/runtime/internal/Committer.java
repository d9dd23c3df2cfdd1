package io.millrace.streams.runtime.internal;

import java.util.Collection;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * The delivery guarantee of one consumer client: how the offsets of finished records become committed. Chosen once,
 * when the client is built ({@link AtLeastOnceCommitter} or {@link ExactlyOnceCommitter}), so that no phase of the
 * {@link ConsumerLoop} asks which guarantee it runs under. Every method runs on the loop's thread and may block
 * only where its doc says so.
 */
interface Committer {

    /** Before the loop subscribes: under exactly-once registers the transactional id. May block. */
    void init();

    /**
     * The pipeline finished every record of a partition before {@code nextOffset}. Does not block.
     * @param partition the partition
     * @param nextOffset the offset to commit
     */
    void finished(TopicPartition partition, long nextOffset);

    /** The pipeline asked for a commit now (it holds many finished records). May block. */
    void forced();

    /** Records are about to be submitted to a built pipeline: under exactly-once a transaction begins. */
    void beforeSubmit();

    /**
     * Once per turn, after the pipeline was driven: sends the commit that is due, if any.
     * @return whether nothing waited to be committed, so that idle work (checkpoints) may run
     */
    boolean commitIfDue();

    /**
     * Commits, synchronously, what the closed and joined pipeline finished, before partitions leave or the loop
     * stops; under exactly-once a pipeline that did not finish everything aborts its transaction instead. Blocks up
     * to the shutdown timeout.
     */
    void commitNow();

    /**
     * Partitions were lost to another member: nothing more is committed for them (under exactly-once the open
     * transaction aborts). The pipeline was already abandoned.
     * @param partitions the lost partitions
     */
    void lost(Collection<TopicPartition> partitions);

    /**
     * The loop failed: commit what finished (at-least-once) or abort (exactly-once). Never throws.
     * @return whether the tables' stores hold only committed writes and may be checkpointed
     */
    boolean failed();

    /**
     * Partitions left the loop: their bookkeeping goes.
     * @param partitions the partitions
     */
    void forget(Collection<TopicPartition> partitions);

    /**
     * The pipeline was built for the current assignment, each partition resuming at the given offset.
     * @param resumeOffsets per assigned partition, its first unfinished offset
     */
    void pipelineBuilt(Map<TopicPartition, Long> resumeOffsets);
}
