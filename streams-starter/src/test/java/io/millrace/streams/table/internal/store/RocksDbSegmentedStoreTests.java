package io.millrace.streams.table.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SegmentedStore} of RocksDB segments: the contract and the segments, then what lives on disk: one
 * directory per segment beside the metadata's, deleted when the segment is dropped, found again when reopened.
 */
class RocksDbSegmentedStoreTests extends AbstractSegmentedStoreTests {

    @TempDir
    Path tempDir;

    private final RocksDbResources resources = new RocksDbResources(16 << 20, 8 << 20, (table, options) -> {
    });

    private Path dir() {
        return this.tempDir.resolve("windows").resolve("0");
    }

    @Override
    protected SegmentedStore openSegmented() {
        return SegmentedStore.rocksDb(dir(), "windows", WINDOWS, this.resources);
    }

    @Override
    protected boolean durable() {
        return true;
    }

    @Override
    protected void cleanUp() {
        this.resources.close();
    }

    @Test
    void eachSegmentHasItsDirectoryBesideTheMetadataAndTheCheckpoint() {
        putWindow(-1, "a");
        putWindow(60, "a");
        Checkpoint.write(this.store.directory(), 42);
        assertThat(this.store.directory()).isEqualTo(dir());
        assertThat(children()).containsExactlyInAnyOrder("checkpoint", "meta", "segment--1", "segment-1");
        assertThat(dir().resolve("segment-1").resolve("CURRENT")).exists();
    }

    @Test
    void aDroppedSegmentsDirectoryIsDeleted() {
        putWindow(0, "a");
        putWindow(60, "a");
        assertThat(children()).contains("segment-0", "segment-1");
        putWindow(149, "a");
        assertThat(children()).containsExactlyInAnyOrder("meta", "segment-1", "segment-2");
    }

    @Test
    void reopeningDropsTheSegmentsThatExpiredMeanwhile() throws IOException {
        putWindow(0, "a");
        putWindow(120, "a");
        this.store.close();
        // As if a crash had come between the move of the observed time and the drop: an old segment is still there.
        copy(dir().resolve("segment-0"), dir().resolve("segment--5"));
        this.store = openSegmented();
        assertThat(children()).containsExactlyInAnyOrder("meta", "segment-0", "segment-2");
        assertThat(entries()).containsExactly(entry(0, "a"), entry(120, "a"));
    }

    @Test
    void destroyDeletesTheWholeDirectoryWithItsCheckpoint() {
        putWindow(0, "a");
        Checkpoint.write(this.store.directory(), 42);
        this.store.destroy();
        assertThat(dir()).doesNotExist();
    }

    @Test
    void aCorruptedSegmentCorruptsTheStore() throws IOException {
        putWindow(60, "a");
        this.store.close();
        Files.writeString(dir().resolve("segment-1").resolve("CURRENT"), "garbage", StandardCharsets.UTF_8);
        assertThatExceptionOfType(StoreCorruptedException.class).isThrownBy(this::openSegmented)
            .satisfies((ex) -> assertThat(ex.directory()).isEqualTo(dir().resolve("segment-1")));
        // Nothing is left open: once wiped, the directory opens again.
        StateDirectory.wipe(dir());
        this.store = openSegmented();
        assertThat(entries()).isEmpty();
    }

    @Test
    void aStoreThatIsNotSegmentedInTheDirectoryCorruptsTheStore() {
        this.store.close();
        StateDirectory.wipe(dir());
        RocksDbStore.open(dir(), "windows", this.resources).close();
        assertThatExceptionOfType(StoreCorruptedException.class).isThrownBy(this::openSegmented)
            .satisfies((ex) -> assertThat(ex.directory()).isEqualTo(dir()));
    }

    @Test
    void theSizeOnDiskCountsTableFilesAndWriteAheadLogs() {
        assertThat(this.store.sizeOnDisk()).isZero();
        for (int i = 0; i < 100; i++) {
            this.store.put(window(i, "key"), new byte[1000]);
        }
        long unflushed = this.store.sizeOnDisk();
        assertThat(unflushed).as("in the write-ahead logs").isGreaterThan(100_000);
        this.store.flush();
        assertThat(this.store.sizeOnDisk()).as("in table files, compressed").isPositive();
    }

    @Override
    long diskUsage() {
        return directorySize(dir());
    }

    private List<String> children() {
        try (Stream<Path> children = Files.list(dir())) {
            return children.map((child) -> child.getFileName().toString()).toList();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static long directorySize(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong((file) -> {
                try {
                    return Files.size(file);
                }
                catch (IOException ex) {
                    return 0;
                }
            }).sum();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
