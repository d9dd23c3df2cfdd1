package io.millrace.streams.bench;

import java.time.Duration;
import java.util.List;

/**
 * What the queries scenario measured.
 *
 * @param keys keys in the table
 * @param partitions partitions of the table
 * @param threads client threads
 * @param duration how long each measurement looked keys up
 * @param owned keys owned by the first and the second instance
 * @param checked answers checked before the rounds (every key through both instances and the Java API)
 * @param runs every measurement, warm-up included
 */
record QueryResults(int keys, int partitions, int threads, Duration duration, List<Integer> owned, long checked,
        List<QueryRun> runs) {
}
