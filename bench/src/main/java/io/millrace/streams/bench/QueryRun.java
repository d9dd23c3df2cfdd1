package io.millrace.streams.bench;

import java.time.Duration;

/**
 * One measurement of one way of looking keys up in one round of the queries scenario.
 *
 * @param contender the way: {@code query-local}, {@code query-forwarded} or {@code query-java}
 * @param round the round, counting warm-up rounds
 * @param warmup whether the round is a warm-up, not counted
 * @param elapsed from the start of the first client thread to the end of the last
 * @param cpu the harness process's CPU time over the same span (clients, both instances' servers and streams)
 * @param latencies the lookups' latencies
 */
record QueryRun(String contender, int round, boolean warmup, Duration elapsed, Duration cpu,
        Latencies.Summary latencies) implements RoundRun {

    /**
     * Lookups per second, every client thread together.
     * @return the rate
     */
    double lookupsPerSecond() {
        return this.latencies.count() / (this.elapsed.toNanos() / 1e9);
    }

    /**
     * The median latency.
     * @return microseconds
     */
    double p50Micros() {
        return this.latencies.p50Nanos() / 1e3;
    }

    /**
     * The 99th percentile.
     * @return microseconds
     */
    double p99Micros() {
        return this.latencies.p99Nanos() / 1e3;
    }

    /**
     * The harness's CPU time per lookup: the client's, the asked instance's, and for a forwarded lookup the owner's
     * too.
     * @return microseconds
     */
    double cpuMicrosPerLookup() {
        return this.cpu.toNanos() / 1e3 / Math.max(1, this.latencies.count());
    }
}
