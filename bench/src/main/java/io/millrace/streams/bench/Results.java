package io.millrace.streams.bench;

import java.util.List;

/**
 * Everything one benchmark run measured.
 *
 * @param settings what was run
 * @param broker where the broker ran
 * @param cpus where the broker and the contenders ran, {@link CpuPinning#describe()}
 * @param animals what the throughput contest's input holds
 * @param contest the throughput contenders, in running order
 * @param contestRuns their runs
 * @param slow what the slow-handler contest's input holds
 * @param slowContest the slow-handler contenders
 * @param slowRuns their runs
 * @param stall the stalled-output scenario, or {@code null} if it was skipped
 * @param restore the restore scenario, or {@code null} if it was skipped
 * @param wordCount the word-count scenario, or {@code null} if it was skipped
 * @param windowed the windowed-count scenario, or {@code null} if it was skipped
 * @param windowedRekeyed its re-keyed variant, or {@code null} if it was skipped
 * @param tracing the tracing-cost scenario, or {@code null} if it was skipped
 * @param queries the queries scenario, or {@code null} if it was skipped
 */
record Results(BenchSettings settings, String broker, String cpus, Expected animals, List<Contender> contest,
        List<RunResult> contestRuns, Expected slow, List<Contender> slowContest, List<RunResult> slowRuns,
        StallResult stall, RestoreResults restore, WordCountResults wordCount, WindowedResults windowed,
        WindowedResults windowedRekeyed, TracingResults tracing, QueryResults queries) {
}
