package io.millrace.streams.processor;

/**
 * The one processor at the input of a stream: it sees every valid input message first.
 *
 * <p>Like Kemux's {@code ingest} and Bruco's {@code handle_event}. An exception is retried with backoff and then
 * the record is dead-lettered; it never stops the stream.
 *
 * @param <I> the input message type (decoded by the input schema)
 * @param <O> the type handed to the stream's output processors
 */
public interface InputProcessor<I, O> {

    /**
     * Runs once per worker before its first record, like Bruco's {@code init_context}: the place to set up
     * per-worker attributes. May block.
     * @param context the worker's context (no record is current)
     */
    default void init(StreamContext context) {
    }

    /**
     * Processes one input message.
     * @param value the decoded, valid input message
     * @param context the record's context
     * @return the message for the outputs, or {@code null} to drop the record (its offset is still committed)
     */
    O ingest(I value, StreamContext context);

    /**
     * The event time of a message: the time windowed tables file it under, and that moves the stream time of its
     * partition. Called before {@link #ingest}; {@code context.eventTime()} returns it from then on.
     * @param value the decoded, valid input message
     * @param context the record's context
     * @return epoch milliseconds; the record's timestamp unless overridden (for example with a field of the value)
     */
    default long eventTime(I value, StreamContext context) {
        return context.timestamp();
    }
}
