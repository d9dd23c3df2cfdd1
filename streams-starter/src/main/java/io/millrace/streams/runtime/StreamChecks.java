package io.millrace.streams.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The checks a set of streams passes before anything runs: no cycle through their topics, unique names, tables
 * that fit the stream's workers and processors, unique table names, outputs of closed windows that name a windowed
 * table, retries that fit the consumer's poll interval. The {@link StreamManager} runs them on every stream it
 * registers; the test kit runs the same, so a stream the kit accepts is one the application accepts.
 */
public final class StreamChecks {

    private StreamChecks() {
    }

    /**
     * The consumers' {@code max.poll.interval.ms}, which bounds a record's retries.
     * @param properties consumer properties
     * @return the configured interval, or Kafka's default of 5 minutes
     */
    public static Duration maxPollInterval(java.util.Map<String, ?> properties) {
        Object value = properties.get("max.poll.interval.ms");
        return (value != null) ? Duration.ofMillis(Long.parseLong(value.toString().trim()))
                : RetryBudget.DEFAULT_MAX_POLL_INTERVAL;
    }

    /**
     * Checks streams as the manager checks the streams it is created with.
     * @param definitions the streams
     * @param settings the settings of a stream, by name
     * @param maxPollInterval the consumer's {@code max.poll.interval.ms} given a stream's consumer overrides
     * @throws InvalidStreamsException with the message the application would fail with
     */
    public static void check(Collection<StreamDefinition> definitions, Function<String, StreamSettings> settings,
            Function<java.util.Map<String, String>, Duration> maxPollInterval) {
        Topology.checkAcyclic(definitions);
        List<StreamDefinition> checked = new ArrayList<>();
        for (StreamDefinition definition : definitions) {
            StreamSettings stream = settings.apply(definition.name());
            check(definition, stream, checked, maxPollInterval.apply(stream.consumer()));
            checked.add(definition);
        }
    }

    /**
     * Checks one stream joining others.
     * @param definition the stream
     * @param settings its settings
     * @param others the streams already there
     * @param maxPollInterval its consumers' {@code max.poll.interval.ms}
     * @throws InvalidStreamsException with the message the application would fail with
     */
    public static void check(StreamDefinition definition, StreamSettings settings,
            Collection<StreamDefinition> others, Duration maxPollInterval) {
        for (StreamDefinition other : others) {
            if (other.name().equals(definition.name())) {
                throw new InvalidStreamsException("Stream '" + definition.name() + "' is defined twice");
            }
        }
        checkTables(definition, settings, others);
        RetryBudget.check(definition, settings, maxPollInterval);
    }

    /** Table names name changelog topics, so they are unique within the application. */
    static void checkTables(StreamDefinition definition, StreamSettings settings,
            Collection<StreamDefinition> others) {
        checkClosedWindowOutputs(definition);
        if (definition.tables().isEmpty()) {
            return;
        }
        boolean windowed = definition.tables().stream().anyMatch(io.millrace.streams.table.TableDefinition::windowed);
        if (windowed && settings.workers().count() > 1
                && settings.workers().ordering() != io.millrace.streams.strategy.worker.Ordering.PARTITION) {
            throw new InvalidStreamsException("Stream '" + definition.name() + "' has windowed tables and workers "
                    + "with ordering " + settings.workers().ordering().name().toLowerCase(java.util.Locale.ROOT)
                    + ": the stream time of a partition moves record by record, so set "
                    + "millrace.streams." + definition.name() + ".workers.ordering=partition");
        }
        // The tables of a re-keyed stream belong to its second stage, which runs the re-keying's processor.
        Object stateful = definition.rekeyed() ? definition.rekey().processor() : definition.inputProcessor();
        if (stateful instanceof io.millrace.streams.processor.BatchInputProcessor) {
            throw new InvalidStreamsException("Stream '" + definition.name() + "' has tables and a "
                    + "BatchInputProcessor: tables are partitioned like the input, so they are reached record by "
                    + "record; implement InputProcessor");
        }
        if (settings.workers().count() > 1
                && settings.workers().ordering() == io.millrace.streams.strategy.worker.Ordering.NONE) {
            throw new InvalidStreamsException("Stream '" + definition.name() + "' has tables and workers with "
                    + "ordering none: two workers could update one key at once; use ordering key or partition");
        }
        for (StreamDefinition other : others) {
            for (var table : definition.tables()) {
                boolean taken = other.tables().stream()
                    .anyMatch((existing) -> existing.name().equals(table.name()));
                if (taken) {
                    throw new InvalidStreamsException("Table '" + table.name() + "' of stream '" + definition.name()
                            + "' is also a table of stream '" + other.name() + "': table names name changelog "
                            + "topics and must be unique");
                }
            }
        }
    }

    /** An output of closed windows names a windowed table of its stream. */
    private static void checkClosedWindowOutputs(StreamDefinition definition) {
        for (io.millrace.streams.processor.Output<?, ?> output : definition.outputs()) {
            String table = output.closedWindowsOf();
            if (table == null) {
                continue;
            }
            boolean found = definition.tables().stream()
                .anyMatch((candidate) -> candidate.name().equals(table) && candidate.windowed());
            if (!found) {
                throw new InvalidStreamsException("Output '" + output.topic() + "' of stream '" + definition.name()
                        + "' takes the closed windows of table '" + table + "', which is not a windowed table of "
                        + "the stream");
            }
        }
    }

}
