package io.millrace.streams.runtime;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of one stream, as the endpoint and the health indicator show it.
 *
 * @param name the stream name
 * @param state its state
 * @param error why it failed, or {@code null}
 * @param input the input topic
 * @param outputs the output topics
 * @param deadLetterTopic the dead-letter topic
 * @param guarantee the delivery guarantee
 * @param concurrency consumer clients
 * @param consumed records fetched
 * @param processed records fully processed
 * @param filtered records the input processor dropped
 * @param deadLettered records sent to the dead-letter topic
 * @param produced output records acknowledged, by topic
 * @param partitions the assigned partitions with their committed offsets ({@code -1} if none yet)
 * @param paused the paused partitions
 */
public record StreamView(String name, StreamState state, String error, String input, List<String> outputs,
        String deadLetterTopic, Guarantee guarantee, int concurrency, long consumed, long processed, long filtered,
        long deadLettered, Map<String, Long> produced, Map<String, Long> partitions, List<String> paused) {
}
