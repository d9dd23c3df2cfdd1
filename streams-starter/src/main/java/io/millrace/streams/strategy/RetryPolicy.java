package io.millrace.streams.strategy;

import java.time.Duration;
import java.util.function.Supplier;

import io.millrace.streams.schema.SchemaException;
import io.millrace.streams.table.LateRecordException;

/**
 * How often and how patiently a processor call is retried before its record is dead-lettered.
 *
 * <p>Retries happen here and nowhere else in the pipeline. Schema failures are never retried: they would fail the
 * same way again.
 *
 * @param maxAttempts attempts in all, at least 1
 * @param initialBackoff the wait after the first failure
 * @param multiplier how much each wait grows
 * @param maxBackoff the longest wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {

    /** One attempt, no retry. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, 1, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (multiplier < 1) {
            throw new IllegalArgumentException("multiplier must be at least 1");
        }
    }

    /**
     * Calls the action, retrying a {@link RuntimeException} with backoff. Blocks during the backoff.
     * @param action the processor call
     * @param <R> the result type
     * @return the action's result
     * @throws RuntimeException the last failure once the attempts are used up, or a schema failure at once
     */
    public <R> R call(Supplier<R> action) {
        long backoff = this.initialBackoff.toMillis();
        for (int attempt = 1;; attempt++) {
            try {
                return action.get();
            }
            catch (SchemaException | LateRecordException ex) {
                // Neither gets better by trying again.
                throw ex;
            }
            catch (RuntimeException ex) {
                if (attempt >= this.maxAttempts) {
                    throw ex;
                }
                sleep(backoff);
                backoff = Math.min((long) (backoff * this.multiplier), this.maxBackoff.toMillis());
            }
        }
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", ex);
        }
    }
}
