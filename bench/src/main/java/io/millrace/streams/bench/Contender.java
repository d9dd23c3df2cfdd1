package io.millrace.streams.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One way of doing the work of a stream, started once per round with a fresh consumer group.
 */
interface Contender {

    /**
     * A short name, used in run ids and client ids.
     * @return the name
     */
    String name();

    /**
     * What the contender is, for the report.
     * @return the description
     */
    String description();

    /**
     * The topics it writes, by output name ({@code aquatic}, ..., {@code dlt}).
     * @return output name to topic
     */
    Map<String, String> topics();

    /**
     * Starts consuming from the beginning of the input; returns at once.
     * @param runId the prefix of every client id and the consumer group of this run
     * @return stops the contender when closed
     * @throws Exception if it cannot start
     */
    AutoCloseable start(String runId) throws Exception;

    /**
     * Output topics named by a prefix and the output name.
     * @param prefix the prefix
     * @return output name to topic, dead letters included
     */
    static Map<String, String> prefixedTopics(String prefix) {
        Map<String, String> topics = new LinkedHashMap<>();
        AnimalWork.OUTPUTS.forEach((name) -> topics.put(name, prefix + name));
        topics.put(AnimalWork.DEAD_LETTERS, prefix + AnimalWork.DEAD_LETTERS);
        return topics;
    }
}
