package io.millrace.streams.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.millrace.streams.runtime.StreamSettings;
import io.millrace.streams.strategy.RetryPolicy;

/**
 * Turns {@code millrace.streams.<name>.*} into the runtime's {@link StreamSettings}.
 */
final class StreamSettingsMapper {

    private final Map<String, MillraceProperties.Stream> streams;

    StreamSettingsMapper(MillraceProperties properties) {
        this.streams = properties.getStreams();
    }

    StreamSettings settings(String stream) {
        MillraceProperties.Stream configured = this.streams.getOrDefault(stream, new MillraceProperties.Stream());
        MillraceProperties.Retry retry = configured.getRetry();
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
                new StreamSettings.Batch(configured.getBatch().getSize(), configured.getBatch().getTime()));
    }
}
