package io.millrace.streams.runtime.internal;

import java.time.Clock;
import java.util.List;

import io.millrace.streams.runtime.KafkaClients;
import io.millrace.streams.runtime.PartitionOwners;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.runtime.StreamState;
import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.table.LocalTables;

/**
 * What the {@code StreamManager} runs per stream: a {@link StreamRunner}, or a {@link RekeyedRunner} (two
 * {@link StreamRunner}s, one per stage) for a stream that re-keys its input.
 */
public interface Runner {

    /**
     * The runner of a stream.
     * @param definition the stream
     * @param settings its settings
     * @param clients makes the Kafka clients and topics
     * @param applicationId prefix of its consumer groups, changelog and repartition topics
     * @param createTopics whether to create missing output, dead-letter and changelog topics
     * @param clock where the stream reads the time
     * @param state the application's state directory and RocksDB memory
     * @return the runner, not started
     */
    static Runner of(StreamDefinition definition, StreamSettings settings, KafkaClients clients,
            String applicationId, boolean createTopics, Clock clock, StateResources state) {
        return definition.rekeyed()
                ? new RekeyedRunner(definition, settings, clients, applicationId, createTopics, clock, state)
                : new StreamRunner(definition, settings, clients, applicationId, createTopics, clock, state);
    }

    String name();

    StreamDefinition definition();

    StreamSettings settings();

    /**
     * The counters of the stream's last stage: the one with its tables and outputs.
     * @return the counters
     */
    StreamStats stats();

    /**
     * The counters of each stage, in order.
     * @return one for a plain stream, two for a re-keyed one
     */
    List<StreamStats> stageStats();

    StreamState state();

    /** Starts the stream; returns at once. */
    void start();

    /** Stops the stream, finishing its in-flight work. */
    void stop();

    /**
     * Pauses or resumes fetching.
     * @param pause whether to pause
     */
    void pause(boolean pause);

    /**
     * This instance's partitions of the stream's tables (those of its last stage), for queries.
     * @return the tables, {@code null} while the stream does not run or has no tables
     */
    LocalTables localTables();

    /**
     * Which instance owns which partition of the stream's tables, as the group's last assignment said.
     * @return the owners, {@link PartitionOwners#UNKNOWN} while queries are off or before the first assignment
     */
    PartitionOwners owners();

    /**
     * What the endpoint shows of the stream. Any thread.
     * @param fedBy the streams writing to its input topic
     * @param feeds the streams reading one of its output topics
     * @return the view
     */
    StreamView view(List<String> fedBy, List<String> feeds);
}
