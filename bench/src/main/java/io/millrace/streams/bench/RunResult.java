package io.millrace.streams.bench;

import java.time.Duration;

/**
 * One timed run of one contender.
 *
 * @param contender the contender's name
 * @param round the round, counting warm-up rounds
 * @param warmup whether the round is a warm-up, not counted
 * @param records the input records processed
 * @param elapsed from the first record consumed to the last output acknowledged
 * @param cpu the harness process's CPU time over the same span
 * @param heap the heap figures of the run
 */
record RunResult(String contender, int round, boolean warmup, long records, Duration elapsed, Duration cpu,
        HeapMonitor.HeapFigures heap) implements RoundRun {

    /**
     * Input records per second.
     * @return the throughput
     */
    double throughput() {
        return this.records / (this.elapsed.toNanos() / 1e9);
    }

    /**
     * CPU time per input record, in microseconds: a figure the machine's other load disturbs far less than
     * throughput.
     * @return microseconds
     */
    double cpuMicrosPerRecord() {
        return this.cpu.toNanos() / 1e3 / this.records;
    }
}
