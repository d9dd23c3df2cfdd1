package io.millrace.streams.autoconfigure;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.strategy.DeadLetterLimit;
import io.millrace.streams.strategy.RetryPolicy;

/**
 * Turns {@code millrace.streams.<name>.*} into the runtime's {@link StreamSettings}: the one mapping between them.
 */
final class StreamSettingsMapper {

    private StreamSettingsMapper() {
    }

    /**
     * The settings of every stream, mapped once: the manager looks them up and never calls back into the properties.
     * @param streams {@code millrace.streams}, by stream name
     * @return the settings of the configured streams, and {@link StreamSettings#DEFAULTS} for any other
     */
    static Function<String, StreamSettings> byName(Map<String, MillraceProperties.Stream> streams) {
        Map<String, StreamSettings> mapped = new HashMap<>();
        streams.forEach((name, stream) -> mapped.put(name, settings(stream)));
        Map<String, StreamSettings> settings = Map.copyOf(mapped);
        return (name) -> settings.getOrDefault(name, StreamSettings.DEFAULTS);
    }

    /**
     * The settings of one stream.
     * @param configured its properties
     * @return its settings
     */
    static StreamSettings settings(MillraceProperties.Stream configured) {
        MillraceProperties.Retry retry = configured.getRetry();
        MillraceProperties.DeadLetterLimit limit = configured.getDeadLetterLimit();
        Duration interval = configured.getCommit().getInterval();
        if (interval == null) {
            interval = StreamSettings.defaultCommitInterval(configured.getGuarantee());
        }
        return new StreamSettings(configured.isEnabled(), configured.getGuarantee(), configured.getConcurrency(),
                configured.getMaxInFlight(), configured.getDeadLetterTopic(), interval,
                configured.getCommit().getRecords(),
                new RetryPolicy(retry.getMaxAttempts(), retry.getBackoff(), retry.getMultiplier(),
                        retry.getMaxBackoff()),
                configured.getShutdownTimeout(), configured.getProperties(), configured.getConsumer(),
                configured.getProducer(), new StreamSettings.Workers(configured.getWorkers(),
                        configured.getOrdering(), configured.isVirtualThreads()),
                new StreamSettings.Batch(configured.getBatch().getSize(), configured.getBatch().getTime()),
                new DeadLetterLimit(limit.getMaxRatio(), limit.getWindow(), limit.getMaxConsecutive()));
    }
}
