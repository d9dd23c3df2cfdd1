package io.millrace.streams.processor;

/**
 * A one-to-many output of a stream: emits any number of records, each with the input key or its own.
 *
 * @param <I> the type the stream's input processor returns
 * @param <O> the output message type (encoded by the output schema)
 */
@FunctionalInterface
public interface FlatOutputProcessor<I, O> {

    /**
     * Emits the output records for one message.
     * @param value the input processor's result
     * @param context the record's context
     * @param emitter where the output records go
     */
    void process(I value, StreamContext context, Emitter<O> emitter);
}
