package io.millrace.streams.samples.sentences;

import java.util.Locale;
import java.util.regex.Pattern;

import io.millrace.streams.processor.Emitter;
import io.millrace.streams.processor.FlatOutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;

/**
 * The {@code words} output of the {@code sentence-splitter} stream: one record per word, keyed by the lower-cased
 * word so that every count of a word lands on one partition.
 */
@StreamProcessor(stream = "sentence-splitter", output = "words")
public class Words implements FlatOutputProcessor<Sentence, Word> {

    /** Words are runs of letters, digits and apostrophes; everything else separates them. */
    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}']+");

    @Override
    public void process(Sentence sentence, StreamContext context, Emitter<Word> emitter) {
        for (String token : SEPARATORS.split(sentence.text().toLowerCase(Locale.ROOT))) {
            if (!token.isEmpty()) {
                emitter.emit(token, new Word(token));
            }
        }
    }
}
