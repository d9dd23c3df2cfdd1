package io.millrace.streams.table.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The local checkpoint of one table partition: the changelog offset up to which its store is known to reflect the
 * changelog. The store holds every changelog record before that offset, so a restore resumes at it.
 *
 * <p>The file is {@code <dir>/checkpoint}, UTF-8 text of exactly two lines, each ended by {@code \n}:
 * <pre>
 * millrace-checkpoint v1 &lt;offset&gt;
 * crc32 &lt;crc&gt;
 * </pre>
 * where {@code <offset>} is a non-negative decimal {@code long} and {@code <crc>} the CRC-32 of the first line's
 * bytes (without its {@code \n}), as eight lower-case hexadecimal digits. Any other content is corrupt.
 *
 * <p>The file is replaced atomically: written to {@code checkpoint.tmp}, forced to disk, then renamed over the old
 * one, so a crash leaves either the old checkpoint or the new one, never a mix.
 */
public final class Checkpoint {

    static final String FILE_NAME = "checkpoint";

    private static final String TEMPORARY_FILE_NAME = "checkpoint.tmp";

    private static final Pattern FORMAT = Pattern
        .compile("(millrace-checkpoint v1 (0|[1-9][0-9]{0,18}))\ncrc32 ([0-9a-f]{8})\n");

    private Checkpoint() {
    }

    /**
     * Reads the checkpoint in a directory.
     * @param dir the store's directory
     * @return the offset, or empty if there is no checkpoint
     * @throws CorruptCheckpointException if the file exists but cannot be read or trusted
     */
    public static OptionalLong read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        String content;
        try {
            content = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                .toString();
        }
        catch (NoSuchFileException ex) {
            return OptionalLong.empty();
        }
        catch (CharacterCodingException ex) {
            throw new CorruptCheckpointException("Checkpoint " + file + " is not UTF-8 text", ex);
        }
        catch (IOException ex) {
            throw new CorruptCheckpointException("Checkpoint " + file + " cannot be read: " + ex, ex);
        }
        Matcher matcher = FORMAT.matcher(content);
        if (!matcher.matches()) {
            throw new CorruptCheckpointException("Checkpoint " + file + " is malformed");
        }
        if (!matcher.group(3).equals(crc(matcher.group(1)))) {
            throw new CorruptCheckpointException("Checkpoint " + file + " fails its checksum");
        }
        try {
            return OptionalLong.of(Long.parseLong(matcher.group(2)));
        }
        catch (NumberFormatException ex) {
            throw new CorruptCheckpointException("Checkpoint " + file + " has an offset out of range", ex);
        }
    }

    /**
     * Replaces the checkpoint in a directory, durably.
     * @param dir the store's directory, which must exist
     * @param offset the changelog offset the store reflects
     * @throws UncheckedIOException if the file cannot be written
     */
    public static void write(Path dir, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("Checkpoint offset must not be negative, was " + offset);
        }
        String first = "millrace-checkpoint v1 " + offset;
        byte[] content = (first + "\ncrc32 " + crc(first) + "\n").getBytes(StandardCharsets.UTF_8);
        Path temporary = dir.resolve(TEMPORARY_FILE_NAME);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not write the checkpoint in " + dir, ex);
        }
        forceDirectory(dir);
    }

    /**
     * Deletes the checkpoint in a directory, if any: the store must be fully restored from now on.
     * @param dir the store's directory
     * @throws UncheckedIOException if the file cannot be deleted
     */
    public static void delete(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(FILE_NAME));
            Files.deleteIfExists(dir.resolve(TEMPORARY_FILE_NAME));
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not delete the checkpoint in " + dir, ex);
        }
    }

    private static String crc(String line) {
        CRC32 crc = new CRC32();
        crc.update(line.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }

    /** Makes the rename itself durable; best effort, since some platforms cannot open a directory. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
        catch (IOException ex) {
            // The rename is atomic anyway; only its durability across a power loss is at stake.
        }
    }
}
