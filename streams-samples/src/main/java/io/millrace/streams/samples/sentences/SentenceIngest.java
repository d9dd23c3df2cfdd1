package io.millrace.streams.samples.sentences;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;

/**
 * The input of the {@code sentence-splitter} stream: passes sentences on, dropping empty ones.
 */
@StreamProcessor(stream = "sentence-splitter", input = "sentences")
public class SentenceIngest implements InputProcessor<Sentence, Sentence> {

    @Override
    public Sentence ingest(Sentence sentence, StreamContext context) {
        return sentence.text().isBlank() ? null : sentence;
    }
}
