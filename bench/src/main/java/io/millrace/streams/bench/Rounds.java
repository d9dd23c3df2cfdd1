package io.millrace.streams.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs contenders in interleaved rounds (a, b, c, a, b, c, ...), so that drift in the machine's load affects
 * them alike, and times each run with a {@link Meter}.
 */
final class Rounds {

    private final HeapMonitor heap;

    private final Duration timeout;

    private final PrintStream log;

    Rounds(HeapMonitor heap, Duration timeout, PrintStream log) {
        this.heap = heap;
        this.timeout = timeout;
        this.log = log;
    }

    /**
     * Runs every contender once per round.
     * @param contenders the contenders, in the order they run within a round
     * @param expected what each run must yield
     * @param warmup rounds not counted
     * @param rounds rounds counted
     * @return every run, warm-up included, in the order they ran
     * @throws Exception if a run fails or yields other outputs than expected
     */
    List<RunResult> run(List<Contender> contenders, Expected expected, int warmup, int rounds) throws Exception {
        List<RunResult> results = new ArrayList<>();
        for (int round = 0; round < warmup + rounds; round++) {
            for (Contender contender : contenders) {
                results.add(measure(contender, round, round < warmup, expected));
            }
        }
        return results;
    }

    private RunResult measure(Contender contender, int round, boolean warmup, Expected expected) throws Exception {
        String runId = "bench-" + contender.name() + "-r" + round;
        try (Meter meter = Meter.start(runId, expected.acknowledgements())) {
            HeapMonitor.Window window = this.heap.open();
            RunResult result;
            try (AutoCloseable running = contender.start(runId)) {
                if (!meter.await(this.timeout)) {
                    throw new IllegalStateException(contender.name() + " did not finish in " + this.timeout + ": "
                            + meter);
                }
                result = new RunResult(contender.name(), round, warmup, expected.records(), meter.elapsed(),
                        meter.cpu(), window.figures());
            }
            check(contender, meter, expected);
            this.log.printf("%-16s round %d%s: %,10.0f records/s (%,d records in %.2f s; %.1f us CPU per record; "
                    + "heap after GC +%.0f MB)%n", contender.name(), round, warmup ? " (warm-up)" : "",
                    result.throughput(), result.records(), result.elapsed().toNanos() / 1e9,
                    result.cpuMicrosPerRecord(), result.heap().peakAfterGcGrowth() / 1e6);
            return result;
        }
    }

    /** The work must be the same for every contender: the same records on the same outputs. */
    private static void check(Contender contender, Meter meter, Expected expected) {
        if (meter.failure() != null) {
            throw new IllegalStateException(contender.name() + " failed to send", meter.failure());
        }
        Map<String, Long> acknowledged = meter.acknowledgedByTopic();
        for (Map.Entry<String, String> output : contender.topics().entrySet()) {
            long want = expected.outputs().getOrDefault(output.getKey(), 0L);
            long got = acknowledged.getOrDefault(output.getValue(), 0L);
            if (got != want) {
                throw new IllegalStateException(contender.name() + " wrote " + got + " records to "
                        + output.getValue() + ", expected " + want + ": " + meter);
            }
        }
    }
}
