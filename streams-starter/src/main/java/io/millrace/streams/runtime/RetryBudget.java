package io.millrace.streams.runtime;

import java.time.Duration;

import io.millrace.streams.processor.BatchInputProcessor;
import io.millrace.streams.strategy.RetryPolicy;

/**
 * Keeps retries from costing a consumer its group membership. With one worker (and always for a
 * {@link BatchInputProcessor}), processing and its retry backoff run on the consumer's thread, which must poll again
 * within {@code max.poll.interval.ms} or be thrown out of the group, its partitions moved and the record replayed
 * elsewhere, where it fails the same way. A stream whose retries could hold one record (or batch) on that thread for
 * more than half that interval is refused at startup.
 */
final class RetryBudget {

    /** The consumer's default {@code max.poll.interval.ms}. */
    static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofMinutes(5);

    private RetryBudget() {
    }

    /**
     * Refuses a stream whose worst-case backoff for one record, on the consumer's thread, exceeds half of
     * {@code max.poll.interval.ms}.
     * @param definition the stream
     * @param settings its settings
     * @param maxPollInterval its consumers' {@code max.poll.interval.ms}
     * @throws InvalidStreamsException naming the worst case, the limit and what to change
     */
    static void check(StreamDefinition definition, StreamSettings settings, Duration maxPollInterval) {
        boolean batch = definition.inputProcessor() instanceof BatchInputProcessor;
        if (settings.workers().count() > 1 && !batch) {
            return;
        }
        // Each processor call retries on its own: the input processor's (once per batch), then each output's.
        long outputCalls = (long) definition.outputs().size() * (batch ? settings.batch().size() : 1);
        long calls = 1 + outputCalls;
        Duration worst = saturatedTimes(settings.retry().worstCaseBackoff(), calls);
        Duration limit = maxPollInterval.dividedBy(2);
        if (worst.compareTo(limit) > 0) {
            RetryPolicy retry = settings.retry();
            String prefix = "millrace.streams." + definition.name() + ".retry.";
            throw new InvalidStreamsException("Stream '" + definition.name() + "': a failing "
                    + (batch ? "batch" : "record") + " can back off for " + worst.toMillis() + " ms on the consumer's "
                    + "thread (" + calls + " processor calls retried by max-attempts " + retry.maxAttempts()
                    + ", backoff " + retry.initialBackoff().toMillis() + " ms, multiplier " + retry.multiplier()
                    + ", max-backoff " + retry.maxBackoff().toMillis() + " ms), more than half of the consumer's "
                    + "max.poll.interval.ms (" + maxPollInterval.toMillis() + "): it would leave its group and the "
                    + "record be replayed by another member. Lower " + prefix + "max-attempts or " + prefix
                    + "max-backoff, or raise max.poll.interval.ms" + (batch ? "" : ", or set workers above 1"));
        }
    }

    private static Duration saturatedTimes(Duration duration, long times) {
        long millis = duration.toMillis();
        return Duration.ofMillis((millis != 0 && times > Long.MAX_VALUE / millis) ? Long.MAX_VALUE : millis * times);
    }
}
