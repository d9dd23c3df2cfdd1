package io.millrace.streams.table.internal.store;

import java.nio.file.Path;

/**
 * A store's files on disk cannot be opened. The caller should wipe the directory and restore the store from its
 * changelog.
 */
public class StoreCorruptedException extends StoreException {

    private final Path directory;

    public StoreCorruptedException(Path directory, Throwable cause) {
        super("Store in " + directory + " cannot be opened and must be restored from its changelog: "
                + cause.getMessage(), cause);
        this.directory = directory;
    }

    /**
     * The store's directory, to wipe.
     * @return the directory
     */
    public Path directory() {
        return this.directory;
    }
}
