package io.millrace.streams.bench;

import java.util.List;

/**
 * What the restore scenario measured.
 *
 * @param records the changelog's records (distinct keys)
 * @param partitions its partitions
 * @param contenders the contenders, in running order
 * @param runs every run, warm-up included
 */
record RestoreResults(long records, int partitions, List<RestoreContender> contenders, List<RestoreRun> runs) {
}
