package io.millrace.streams.samples.wordcount;

import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamProcessor;

/**
 * The {@code word-counts} output of the {@code word-count} stream: every update of a count, keyed by the word.
 */
@StreamProcessor(stream = "word-count", output = "word-counts")
public class WordCounts implements OutputProcessor<WordCount, WordCount> {

    @Override
    public WordCount transform(WordCount count) {
        return count;
    }

    @Override
    public byte[] key(WordCount input, WordCount output) {
        return output.word().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
