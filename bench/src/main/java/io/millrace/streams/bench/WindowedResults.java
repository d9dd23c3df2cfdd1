package io.millrace.streams.bench;

import java.util.List;
import java.util.Map;

/**
 * What the windowed-count scenario measured.
 *
 * @param rekeyed whether the input was keyed by something else and re-keyed
 * @param records input records, closing records aside
 * @param keys distinct keys
 * @param windows windows the input spans
 * @param keyWindows distinct keys and windows: the final results expected
 * @param partitions partitions of the input and outputs
 * @param contenders the contenders, in running order
 * @param runs every run, warm-up included
 * @param outputs output records of each contender's last run
 */
record WindowedResults(boolean rekeyed, long records, int keys, int windows, int keyWindows, int partitions,
        List<WindowedContender> contenders, List<RunResult> runs, Map<String, Long> outputs) {
}
