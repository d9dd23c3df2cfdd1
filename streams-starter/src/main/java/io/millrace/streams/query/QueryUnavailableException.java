package io.millrace.streams.query;

/**
 * A partition cannot answer in this instance now: it is owned by another instance, restoring, moving, or its stream
 * does not run. Trying again later (or at its owner) may succeed: over HTTP this is a 503 with {@code Retry-After}.
 */
public class QueryUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int partition;

    private final String owner;

    /**
     * Creates the exception.
     * @param message why the partition cannot answer
     * @param partition the partition, {@code -1} if none in particular
     * @param owner the advertised URL of the partition's owner when it is another instance, or {@code null}
     */
    public QueryUnavailableException(String message, int partition, String owner) {
        super(message);
        this.partition = partition;
        this.owner = owner;
    }

    /**
     * The partition that cannot answer.
     * @return its number, {@code -1} if none in particular
     */
    public int partition() {
        return this.partition;
    }

    /**
     * Where the partition's owner answers, if it is another instance that advertised a URL.
     * @return the owner's advertised URL, or {@code null}
     */
    public String owner() {
        return this.owner;
    }
}
