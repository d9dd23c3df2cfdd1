package io.millrace.streams.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.millrace.streams.processor.BatchInputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.strategy.RetryPolicy;
import io.millrace.streams.strategy.worker.Ordering;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RetryBudget}: pure arithmetic on the settings, nothing runs.
 */
class RetryBudgetTests {

    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    /** 4 waits of 50 s: 200 s, more than half of 5 minutes. */
    private static final RetryPolicy TWO_HUNDRED_SECONDS = new RetryPolicy(5, Duration.ofSeconds(50), 1,
            Duration.ofSeconds(50));

    /** 1 wait of 60 s. */
    private static final RetryPolicy SIXTY_SECONDS = new RetryPolicy(2, Duration.ofSeconds(60), 1,
            Duration.ofSeconds(60));

    @Test
    void theDefaultPolicyFitsTheDefaultPollInterval() {
        assertThatCode(() -> RetryBudget.check(stream("out"), StreamSettings.DEFAULTS, FIVE_MINUTES))
            .doesNotThrowAnyException();
    }

    @Test
    void retriesThatCouldHoldTheConsumersThreadPastHalfThePollIntervalAreRefusedSayingWhatToChange() {
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> RetryBudget.check(stream(), settings(TWO_HUNDRED_SECONDS, 1), FIVE_MINUTES))
            .withMessageContaining("Stream 'fruit'")
            .withMessageContaining("back off for 200000 ms")
            .withMessageContaining("max.poll.interval.ms (300000)")
            .withMessageContaining("millrace.streams.fruit.retry.max-attempts");
    }

    @Test
    void aLongerPollIntervalMakesRoomForTheSameRetries() {
        assertThatCode(() -> RetryBudget.check(stream(), settings(TWO_HUNDRED_SECONDS, 1), Duration.ofMinutes(7)))
            .doesNotThrowAnyException();
    }

    @Test
    void eachOutputRetriesOnItsOwnSoItsWaitsAddUp() {
        // The input processor's 60 s and one output's 60 s fit in 150 s; a second output's do not.
        assertThatCode(() -> RetryBudget.check(stream("out"), settings(SIXTY_SECONDS, 1), FIVE_MINUTES))
            .doesNotThrowAnyException();
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> RetryBudget.check(stream("out", "other"), settings(SIXTY_SECONDS, 1), FIVE_MINUTES))
            .withMessageContaining("180000 ms");
    }

    @Test
    void withWorkersTheBackoffIsNotOnTheConsumersThread() {
        assertThatCode(() -> RetryBudget.check(stream(), settings(TWO_HUNDRED_SECONDS, 2), FIVE_MINUTES))
            .doesNotThrowAnyException();
    }

    @Test
    void aBatchRetriesOnTheConsumersThreadOnceAndThenEachOfItsRecordsOutputs() {
        StreamDefinition batched = StreamDefinition.builder("fruit")
            .input("in", Schemas.string(), (BatchInputProcessor<String, String>) (values, context) -> values)
            .output("out", Schemas.string(), (OutputProcessor<String, String>) (value) -> value)
            .build();
        RetryPolicy oneSecond = new RetryPolicy(2, Duration.ofSeconds(1), 1, Duration.ofSeconds(1));
        // 1 s for the batch and 1 s for each of 100 records' output: 101 s, within 150 s; 200 records are not.
        assertThatCode(() -> RetryBudget.check(batched, settings(oneSecond, 1, 100), FIVE_MINUTES))
            .doesNotThrowAnyException();
        assertThatExceptionOfType(InvalidStreamsException.class)
            .isThrownBy(() -> RetryBudget.check(batched, settings(oneSecond, 4, 200), FIVE_MINUTES))
            .withMessageContaining("a failing batch can back off for 201000 ms");
    }

    private static StreamDefinition stream(String... outputs) {
        StreamDefinition.Builder builder = StreamDefinition.builder("fruit").input("in", Schemas.string(),
                (value, context) -> value);
        for (String output : outputs) {
            builder.output(output, Schemas.string(), (OutputProcessor<String, String>) (value) -> value);
        }
        return builder.build();
    }

    private static StreamSettings settings(RetryPolicy retry, int workers) {
        return settings(retry, workers, StreamSettings.Batch.DEFAULT.size());
    }

    private static StreamSettings settings(RetryPolicy retry, int workers, int batchSize) {
        StreamSettings defaults = StreamSettings.DEFAULTS;
        return new StreamSettings(true, Guarantee.AT_LEAST_ONCE, 1, 10, null, Duration.ofSeconds(1), 10, retry,
                Duration.ofSeconds(2), Map.of(), Map.of(), Map.of(), new StreamSettings.Workers(workers, Ordering.KEY,
                        false), new StreamSettings.Batch(batchSize, defaults.batch().time()));
    }
}
