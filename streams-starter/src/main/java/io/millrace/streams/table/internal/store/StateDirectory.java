package io.millrace.streams.table.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * The root of this instance's local state ({@code millrace.state-dir}), locked for as long as it is open so that
 * two instances never share their stores.
 *
 * <p>Layout: {@code <root>/.lock}, {@code <root>/process-id} and one directory per table partition,
 * {@code <root>/<stream>/<table>/<partition>}.
 */
public final class StateDirectory implements AutoCloseable {

    private static final String LOCK_FILE = ".lock";

    private static final String PROCESS_ID_FILE = "process-id";

    private final Path root;

    private final FileChannel lockChannel;

    private final FileLock lock;

    /** Read or created on first use; guarded by {@code this}. */
    private String processId;

    /**
     * Creates the root if needed and locks it.
     * @param root the state directory
     * @throws IllegalStateException if another process, or another {@code StateDirectory} of this JVM, holds it
     * @throws UncheckedIOException if the root cannot be created or locked
     */
    public StateDirectory(Path root) {
        this.root = root;
        FileChannel channel = null;
        try {
            Files.createDirectories(root);
            channel = FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new IllegalStateException("State directory " + root
                        + " is in use by another process; give each instance its own millrace.state-dir");
            }
            this.lockChannel = channel;
            this.lock = lock;
        }
        catch (IOException ex) {
            closeQuietly(channel);
            throw new UncheckedIOException("Could not lock the state directory " + root, ex);
        }
        catch (RuntimeException ex) {
            closeQuietly(channel);
            throw ex;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        }
        catch (OverlappingFileLockException ex) {
            // Held by this JVM: file locks are per process, so the JDK reports it instead of granting it again.
            return null;
        }
    }

    /**
     * The root directory.
     * @return the root
     */
    public Path root() {
        return this.root;
    }

    /**
     * The identity of this instance's state, the same across restarts on the same directory.
     * @return a UUID, created and persisted on first use
     */
    public synchronized String processId() {
        if (this.processId == null) {
            this.processId = readOrCreateProcessId();
        }
        return this.processId;
    }

    private String readOrCreateProcessId() {
        Path file = this.root.resolve(PROCESS_ID_FILE);
        try {
            if (Files.exists(file)) {
                String id = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
                try {
                    return UUID.fromString(id).toString();
                }
                catch (IllegalArgumentException ex) {
                    // Damaged by hand or by the disk: a new identity, as for a new directory.
                }
            }
            String id = UUID.randomUUID().toString();
            Path temporary = this.root.resolve(PROCESS_ID_FILE + ".tmp");
            Files.writeString(temporary, id + "\n", StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return id;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not read or create " + file, ex);
        }
    }

    /**
     * The directory of one table partition, created if needed.
     * @param stream the stream's name
     * @param table the table's name
     * @param partition the partition
     * @return {@code <root>/<stream>/<table>/<partition>}
     */
    public Path tableDir(String stream, String table, int partition) {
        if (partition < 0) {
            throw new IllegalArgumentException("Partition must not be negative, was " + partition);
        }
        Path dir = this.root.resolve(segment(stream)).resolve(segment(table)).resolve(Integer.toString(partition));
        try {
            return Files.createDirectories(dir);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not create " + dir, ex);
        }
    }

    /** A name used as one directory: it must not climb out of the root or into another name's directory. */
    private static String segment(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("'" + name + "' cannot name a state directory");
        }
        return name;
    }

    /**
     * Deletes a directory and everything in it; nothing if it does not exist. Symbolic links are deleted, not
     * followed.
     * @param dir the directory
     * @throws UncheckedIOException if something cannot be deleted
     */
    public static void wipe(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
                    if (ex instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw ex;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException ex) throws IOException {
                    if (ex != null && !(ex instanceof NoSuchFileException)) {
                        throw ex;
                    }
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (NoSuchFileException ex) {
            // Already gone.
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not delete " + dir, ex);
        }
    }

    /** Releases the lock: another instance may use the directory. Idempotent. */
    @Override
    public void close() {
        try {
            if (this.lockChannel.isOpen()) {
                this.lock.release();
            }
            this.lockChannel.close();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not unlock the state directory " + this.root, ex);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            }
            catch (IOException ex) {
                // Already failing.
            }
        }
    }
}
