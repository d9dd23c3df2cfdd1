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
 * @param sleeper how a backoff waits: {@link Sleeper#THREAD} in production; the test kit's advances its clock instead
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff,
        Sleeper sleeper) {

    /** One attempt, no retry. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, 1, Duration.ZERO);

    /**
     * A policy that backs off by sleeping the calling thread.
     * @param maxAttempts attempts in all, at least 1
     * @param initialBackoff the wait after the first failure
     * @param multiplier how much each wait grows
     * @param maxBackoff the longest wait
     */
    public RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {
        this(maxAttempts, initialBackoff, multiplier, maxBackoff, Sleeper.THREAD);
    }

    /** Waits {@link #worstCaseBackoff()} adds one by one before it bounds the rest by the cap. */
    private static final int STEPS_SUMMED = 10_000;

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (multiplier < 1) {
            throw new IllegalArgumentException("multiplier must be at least 1");
        }
        if (sleeper == null) {
            sleeper = Sleeper.THREAD;
        }
    }

    /**
     * This policy with another way to wait: the same attempts and the same backoffs.
     * @param sleeper how a backoff waits
     * @return the policy
     */
    public RetryPolicy withSleeper(Sleeper sleeper) {
        return new RetryPolicy(this.maxAttempts, this.initialBackoff, this.multiplier, this.maxBackoff, sleeper);
    }

    /**
     * How a backoff waits.
     */
    @FunctionalInterface
    public interface Sleeper {

        /** Blocks the calling thread; an interrupt ends the wait and fails the call. */
        Sleeper THREAD = RetryPolicy::sleep;

        /**
         * Waits.
         * @param millis how long, positive
         */
        void sleep(long millis);
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
                if (backoff > 0) {
                    this.sleeper.sleep(backoff);
                }
                backoff = Math.min((long) (backoff * this.multiplier), this.maxBackoff.toMillis());
            }
        }
    }

    /**
     * The longest one {@link #call} can spend backing off: the waits after every failed attempt but the last, as
     * {@code call} computes them. Time the action itself takes is not included.
     * @return the sum of the waits, saturated at {@code Long.MAX_VALUE} milliseconds
     */
    public Duration worstCaseBackoff() {
        long max = Math.max(this.maxBackoff.toMillis(), 0);
        long backoff = Math.max(this.initialBackoff.toMillis(), 0);
        long total = 0;
        for (int attempt = 1; attempt < this.maxAttempts; attempt++) {
            long next = Math.min((long) (backoff * this.multiplier), max);
            if (next == backoff || attempt >= STEPS_SUMMED) {
                // Every later wait is this one; or, after many small steps, none is longer than this one or the cap.
                long later = (next == backoff) ? backoff : Math.max(backoff, max);
                return Duration.ofMillis(saturatedAdd(total, saturatedMultiply(later, this.maxAttempts - attempt)));
            }
            total = saturatedAdd(total, backoff);
            backoff = next;
        }
        return Duration.ofMillis(total);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return (sum < 0) ? Long.MAX_VALUE : sum;
    }

    private static long saturatedMultiply(long a, long b) {
        return (a != 0 && b > Long.MAX_VALUE / a) ? Long.MAX_VALUE : a * b;
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
