package io.millrace.streams.bench;

import java.util.List;

/**
 * What the tracing-cost scenario measured.
 *
 * @param input what its input holds
 * @param contenders the contenders, in running order
 * @param runs every run, warm-up included
 */
record TracingResults(Expected input, List<Contender> contenders, List<RunResult> runs) {
}
