package io.millrace.streams.bench;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * The latencies of lookups, in nanoseconds, in an HdrHistogram (3 significant digits: a percentile is within 0.1%
 * of the value recorded). One per client thread, not thread-safe; {@link #merge} adds them up.
 */
final class Latencies {

    /** The longest latency told apart; longer ones count as this long. */
    static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Histogram histogram = new Histogram(HIGHEST_NANOS, 3);

    /**
     * Records one lookup.
     * @param nanos how long it took
     */
    void record(long nanos) {
        this.histogram.recordValue(Math.max(0, Math.min(nanos, HIGHEST_NANOS)));
    }

    /**
     * How many lookups were recorded.
     * @return the count
     */
    long count() {
        return this.histogram.getTotalCount();
    }

    /**
     * The sum of several threads' latencies.
     * @param parts the threads' latencies
     * @return all of them
     */
    static Latencies merge(Collection<Latencies> parts) {
        Latencies all = new Latencies();
        parts.forEach((part) -> all.histogram.add(part.histogram));
        return all;
    }

    /**
     * The latency a share of the lookups stayed within.
     * @param percentile from 0 to 100
     * @return nanoseconds, 0 without lookups
     */
    long percentile(double percentile) {
        if (percentile < 0 || percentile > 100) {
            throw new IllegalArgumentException("A percentile is from 0 to 100, not " + percentile);
        }
        return this.histogram.getValueAtPercentile(percentile);
    }

    /**
     * The figures a report gives.
     * @return p50, p99, p99.9 and the longest, in nanoseconds
     */
    Summary summary() {
        return new Summary(count(), percentile(50), percentile(99), percentile(99.9), this.histogram.getMaxValue());
    }

    /**
     * Latency figures of a measurement.
     * @param count lookups
     * @param p50Nanos the median
     * @param p99Nanos the 99th percentile
     * @param p999Nanos the 99.9th percentile
     * @param maxNanos the longest (within the histogram's precision)
     */
    record Summary(long count, long p50Nanos, long p99Nanos, long p999Nanos, long maxNanos) {
    }
}
