package io.millrace.streams.samples.wordcount;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.samples.sentences.Word;
import io.millrace.streams.table.StreamTable;
import io.millrace.streams.table.Table;

/**
 * The input of the {@code word-count} stream, chained after {@code sentence-splitter}: adds one to the word's count
 * in the table {@code word-counts} (changelog {@code <application-id>-word-counts-changelog}). The {@code words}
 * topic is keyed by word, so each word is counted in one partition of the table.
 */
@StreamProcessor(stream = "word-count", input = "words")
@StreamTable(name = WordCounter.TABLE, key = String.class, value = Long.class)
public class WordCounter implements InputProcessor<Word, WordCount> {

    /** The table of counts, by word. */
    public static final String TABLE = "word-counts";

    @Override
    public WordCount ingest(Word word, StreamContext context) {
        Table<String, Long> counts = context.table(TABLE);
        long count = counts.merge(word.word(), 1L, Long::sum);
        return new WordCount(word.word(), count);
    }
}
