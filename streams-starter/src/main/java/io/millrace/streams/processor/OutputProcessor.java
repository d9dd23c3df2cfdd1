package io.millrace.streams.processor;

/**
 * A one-to-one output of a stream: {@link #filter} decides whether a message goes to this output, then
 * {@link #transform} makes the output message. The output record carries the input record's key unless
 * {@link #key} returns another.
 *
 * <p>For one-to-many outputs implement {@link FlatOutputProcessor} instead.
 *
 * @param <I> the type the stream's input processor returns
 * @param <O> the output message type (encoded by the output schema)
 */
public interface OutputProcessor<I, O> {

    /**
     * Whether this message goes to this output.
     * @param value the input processor's result
     * @return {@code true} to transform and send it
     */
    default boolean filter(I value) {
        return true;
    }

    /**
     * Makes the output message.
     * @param value a message that passed {@link #filter}
     * @return the output message, or {@code null} to send nothing
     */
    O transform(I value);

    /**
     * The key of the output record.
     * @param value the input processor's result
     * @param output the output message
     * @return the key, or {@code null} to keep the input record's key
     */
    default byte[] key(I value, O output) {
        return null;
    }
}
