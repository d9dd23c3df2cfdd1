package io.millrace.streams.strategy;

/**
 * Why a record is dead-lettered instead of processed: it could not be decoded or validated, a processor failed
 * on it after its retries, or an output failed its schema.
 *
 * <p>A step that finds a record invalid replaces its message with {@link Message#invalid(InvalidMessage)}; the
 * message travels on in order and the {@code Produce} step sends the original record to the dead-letter topic.
 */
public class InvalidMessage extends RuntimeException {

    /** Where in the pipeline the record failed. */
    public enum Reason {
        /** The input value could not be decoded or failed validation. */
        INVALID_INPUT,
        /** The input processor threw, after its retries. */
        PROCESSOR_FAILED,
        /** An output processor threw, after its retries, or its output failed the output schema. */
        OUTPUT_FAILED,
        /** The record arrived for windows of a windowed table that had already closed. */
        LATE
    }

    private final Reason reason;

    public InvalidMessage(Reason reason, Throwable cause) {
        super(reason + ": " + cause.getMessage(), cause);
        this.reason = reason;
    }

    /**
     * Where in the pipeline the record failed.
     * @return the reason
     */
    public Reason reason() {
        return this.reason;
    }
}
