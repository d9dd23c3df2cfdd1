package io.millrace.streams.table.internal.store;

/**
 * A {@link Checkpoint} file exists but cannot be trusted: unreadable, malformed, or failing its checksum. The store
 * beside it must be restored from the start of its changelog.
 */
public class CorruptCheckpointException extends RuntimeException {

    public CorruptCheckpointException(String message) {
        super(message);
    }

    public CorruptCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
