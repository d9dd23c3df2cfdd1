package io.millrace.streams.bench;

import java.util.List;
import java.util.Map;

/**
 * What the word-count scenario measured.
 *
 * @param records input words
 * @param vocabulary distinct words
 * @param partitions partitions of the input and outputs
 * @param contenders the contenders, in running order
 * @param runs every run, warm-up included
 * @param outputs output records of each contender's last run
 */
record WordCountResults(long records, int vocabulary, int partitions, List<WordCountContender> contenders,
        List<RunResult> runs, Map<String, Long> outputs) {
}
