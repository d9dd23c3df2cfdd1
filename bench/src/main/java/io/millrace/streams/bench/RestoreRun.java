package io.millrace.streams.bench;

/**
 * One restore run: how long from the start of the system (before its Spring context or {@code KafkaStreams} is
 * built) to its first changelog fetch, to its table being restored, and to its processor seeing the probe record of
 * every partition.
 *
 * @param contender the contender's name
 * @param round the round, counting warm-up rounds
 * @param warmup whether the round is not counted
 * @param restored changelog records the system says it restored
 * @param fetched changelog records its consumers fetched
 * @param toFirstFetch nanoseconds to the first changelog fetch, -1 if none
 * @param toReady nanoseconds to the tables restored, -1 if the system did not say
 * @param toProcessing nanoseconds to the probe records processed
 */
record RestoreRun(String contender, int round, boolean warmup, long restored, long fetched, long toFirstFetch,
        long toReady, long toProcessing) implements RoundRun {

    /**
     * Changelog records restored per second, from the first fetch to the tables restored.
     * @return the rate, or NaN without a restore
     */
    double restoreRate() {
        if (this.toFirstFetch < 0 || this.toReady < 0 || this.restored == 0) {
            return Double.NaN;
        }
        return this.restored / ((this.toReady - this.toFirstFetch) / 1e9);
    }

    /**
     * Seconds from the start to the tables restored (to processing if the system did not say).
     * @return seconds
     */
    double secondsToReady() {
        return ((this.toReady >= 0) ? this.toReady : this.toProcessing) / 1e9;
    }

    double secondsToProcessing() {
        return this.toProcessing / 1e9;
    }
}
