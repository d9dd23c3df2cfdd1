package io.millrace.streams.bench;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A way of counting the windowed-count input per key and 10 s window: each run counts the whole input from scratch
 * (a new consumer group, new state) and writes its results to its output topic.
 */
interface WindowedContender extends Contender {

    /** The output name in {@link #topics()}. */
    String RESULTS = "results";

    /**
     * The output topic.
     * @return the topic
     */
    String output();

    @Override
    default Map<String, String> topics() {
        return Map.of(RESULTS, output());
    }

    /**
     * The consumer group a run commits its input offsets in.
     * @param runId the run
     * @return the group
     */
    default String group(String runId) {
        return runId;
    }

    /**
     * The topic a re-keying run writes its re-keyed records to and counts them from; the run is finished once the
     * group of {@link #repartitionGroup(String)} committed all of it too.
     * @param runId the run
     * @return the topic, {@code null} if the run does not re-key
     */
    default String repartitionTopic(String runId) {
        return null;
    }

    /**
     * The consumer group a re-keying run commits its repartition topic's offsets in.
     * @param runId the run
     * @return the group
     */
    default String repartitionGroup(String runId) {
        return group(runId);
    }

    /**
     * Reads one output record.
     * @param record the record
     * @return the key, its window and its count
     */
    Result result(ConsumerRecord<byte[], byte[]> record);

    /**
     * Whether outputs are visible only when a transaction commits: the run ends at the commit, not at the last
     * acknowledgement.
     * @return whether it runs exactly-once
     */
    boolean exactlyOnce();

    /**
     * Whether it writes final results only, exactly one per key and window; otherwise updates, the last of which
     * counts.
     * @return whether it does
     */
    boolean finalResults();

    /**
     * One output record read back.
     *
     * @param key the counted key
     * @param windowStart its window's start
     * @param count the count
     */
    record Result(String key, long windowStart, long count) {
    }
}
