package io.millrace.streams.bench;

import java.util.Map;

/**
 * A way of counting the words of the word-count input: each run counts the whole input from scratch (a new
 * consumer group, a new table) and writes the counts to its output topic, keyed by the word.
 */
interface WordCountContender extends Contender {

    /** The output name in {@link #topics()}. */
    String COUNTS = "counts";

    /**
     * The output topic.
     * @return the topic
     */
    String output();

    @Override
    default Map<String, String> topics() {
        return Map.of(COUNTS, output());
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
     * Reads a count from an output value.
     * @param value the value
     * @return the count
     */
    long count(byte[] value);

    /**
     * Whether outputs are visible only when a transaction commits: the run ends at the commit, not at the last
     * acknowledgement.
     * @return whether it runs exactly-once
     */
    boolean exactlyOnce();

    /**
     * Whether every input record yields one output record (no cache folding updates together).
     * @return whether there are as many outputs as inputs
     */
    boolean everyUpdate();
}
