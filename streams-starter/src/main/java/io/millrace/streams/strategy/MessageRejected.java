package io.millrace.streams.strategy;

/**
 * Thrown by {@link ProcessingStrategy#submit} when a step cannot keep up: the caller keeps the message, stops
 * fetching and submits it again later. Thrown often under backpressure, so it carries no stack trace.
 */
public final class MessageRejected extends RuntimeException {

    /** The one instance: the exception carries no state. */
    public static final MessageRejected INSTANCE = new MessageRejected();

    private MessageRejected() {
        super("message rejected: the step is at capacity", null, false, false);
    }
}
