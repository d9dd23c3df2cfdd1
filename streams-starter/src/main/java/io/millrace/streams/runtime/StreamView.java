package io.millrace.streams.runtime;

import java.util.List;
import java.util.Map;

import io.millrace.streams.table.TablePartition;
import io.millrace.streams.table.TablePartitionView;

/**
 * A snapshot of one stream, as the endpoint, the health indicator and the dashboard show it.
 *
 * @param name the stream name
 * @param state its state
 * @param error why it failed, or {@code null}
 * @param input the input topic
 * @param outputs the output topics
 * @param deadLetterTopic the dead-letter topic
 * @param guarantee the delivery guarantee
 * @param concurrency consumer clients
 * @param workers processing threads per consumer client
 * @param topology what the stream is made of and which streams it is chained with
 * @param consumed records fetched
 * @param processed records fully processed
 * @param filtered records the input processor dropped
 * @param deadLettered records sent to the dead-letter topic
 * @param produced output records acknowledged, by topic
 * @param consumedRate records fetched per second, over the last second
 * @param processedRate records processed per second, over the last second
 * @param inFlight records submitted to the pipeline and not yet finished, plus those fetched and waiting
 * @param lag records of the assigned partitions not yet committed (end offset minus committed offset)
 * @param partitions the assigned partitions, by {@code topic-partition}
 * @param paused the paused partitions
 * @param tables the stream's table partitions in this instance: active, restoring (with progress) and standby
 * @param stages the two stages of a re-keyed stream (input to repartition topic, repartition topic to tables and
 * outputs), empty for a stream of one stage. The stream's own figures then sum the stages' where they add up:
 * {@code consumed} is the first stage's (records of the input), {@code processed} the second's (records fully
 * processed), filtered and dead-lettered records, in-flight records and lag add up, partitions are both stages'
 */
public record StreamView(String name, StreamState state, String error, String input, List<String> outputs,
        String deadLetterTopic, Guarantee guarantee, int concurrency, int workers, TopologyView topology,
        long consumed, long processed, long filtered, long deadLettered, Map<String, Long> produced,
        double consumedRate, double processedRate, long inFlight, long lag, Map<String, PartitionView> partitions,
        List<String> paused, List<TablePartitionView> tables, List<StageView> stages) {

    /**
     * A stream of one stage.
     */
    public StreamView(String name, StreamState state, String error, String input, List<String> outputs,
            String deadLetterTopic, Guarantee guarantee, int concurrency, int workers, TopologyView topology,
            long consumed, long processed, long filtered, long deadLettered, Map<String, Long> produced,
            double consumedRate, double processedRate, long inFlight, long lag, Map<String, PartitionView> partitions,
            List<String> paused, List<TablePartitionView> tables) {
        this(name, state, error, input, outputs, deadLetterTopic, guarantee, concurrency, workers, topology, consumed,
                processed, filtered, deadLettered, produced, consumedRate, processedRate, inFlight, lag, partitions,
                paused, tables, List.of());
    }

    public StreamView {
        stages = (stages != null) ? List.copyOf(stages) : List.of();
    }

    /**
     * Whether the stream re-keys its input through a repartition topic.
     * @return {@code true} if it runs in two stages
     */
    public boolean rekeyed() {
        return !this.stages.isEmpty();
    }

    /**
     * The table partitions still restoring.
     * @return the restoring partitions
     */
    public List<TablePartitionView> restoring() {
        return this.tables.stream().filter((table) -> table.role() == TablePartition.Role.RESTORING).toList();
    }

    /**
     * What a stream is made of and how it is chained with others.
     *
     * @param inputProcessor the input processor's class
     * @param inputSchema the input message type
     * @param outputSchemas the output message type, by output topic
     * @param fedBy the streams writing to this stream's input topic
     * @param feeds the streams reading one of this stream's output topics
     */
    public record TopologyView(String inputProcessor, String inputSchema, Map<String, String> outputSchemas,
            List<String> fedBy, List<String> feeds) {
    }

    /**
     * One stage of a re-keyed stream.
     *
     * @param stage {@code 1} (input processor to repartition topic) or {@code 2} (repartition topic to tables and
     * outputs)
     * @param input the topic the stage reads
     * @param group the stage's consumer group
     * @param processor the class of the stage's input processor
     * @param outputs the topics the stage writes to, besides dead letters and changelogs
     * @param state the stage's state
     * @param error why it failed, or {@code null}
     * @param consumed records fetched
     * @param processed records fully processed
     * @param filtered records its input processor dropped
     * @param deadLettered records sent to the dead-letter topic
     * @param produced records acknowledged, by topic
     * @param inFlight records in flight
     * @param lag records of the assigned partitions not yet committed
     * @param partitions the assigned partitions, by {@code topic-partition}
     */
    public record StageView(int stage, String input, String group, String processor, List<String> outputs,
            StreamState state, String error, long consumed, long processed, long filtered, long deadLettered,
            Map<String, Long> produced, long inFlight, long lag, Map<String, PartitionView> partitions) {
    }

    /**
     * One assigned partition.
     *
     * @param committed the committed offset, {@code -1} if none yet
     * @param end the end offset as of the last fetch, {@code -1} if unknown
     * @param lag {@code end - committed} when both are known, else {@code -1}
     * @param inFlight records submitted and not yet finished
     * @param oldestOffset the offset of the oldest record in flight, {@code -1} if none
     * @param waitingMillis how long the oldest record in flight has waited for progress
     * @param paused whether fetching is paused
     */
    public record PartitionView(long committed, long end, long lag, long inFlight, long oldestOffset,
            long waitingMillis, boolean paused) {
    }
}
