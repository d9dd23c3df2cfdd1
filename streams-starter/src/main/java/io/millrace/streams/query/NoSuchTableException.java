package io.millrace.streams.query;

/** A query named a stream or a table the application does not have. */
public class NoSuchTableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     * @param message which stream or table is missing
     */
    public NoSuchTableException(String message) {
        super(message);
    }
}
