package io.millrace.streams.table.internal.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.CompressionType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link RocksDbStore}: the {@link KeyValueStore} contract on a real RocksDB, then what lives on disk:
 * reopening, a killed process, corrupted files, the directory and the options.
 */
class RocksDbStoreTests extends AbstractKeyValueStoreTests {

    @TempDir
    Path tempDir;

    private final List<String> customized = new ArrayList<>();

    private final RocksDbResources resources = new RocksDbResources(16 << 20, 8 << 20, (table, options) -> {
        this.customized.add(table + ":" + options.compressionType());
    });

    private Path dir() {
        return this.tempDir.resolve("orders").resolve("0");
    }

    @Override
    protected KeyValueStore createStore() {
        return RocksDbStore.open(dir(), "orders", this.resources);
    }

    @Override
    protected void cleanUp() {
        this.resources.close();
    }

    @Test
    void theStoreLivesInItsDirectory() {
        assertThat(this.store.directory()).isEqualTo(dir());
        assertThat(dir().resolve("CURRENT")).exists();
    }

    @Test
    void theCustomizerSeesEachTableWithMillracesDefaults() {
        RocksDbStore.open(this.tempDir.resolve("other"), "customers", this.resources).close();
        assertThat(this.customized).containsExactly("orders:" + CompressionType.LZ4_COMPRESSION,
                "customers:" + CompressionType.LZ4_COMPRESSION);
    }

    @Test
    void aFailingCustomizerLeavesTheDirectoryFreeToOpen() {
        Path other = this.tempDir.resolve("other");
        try (RocksDbResources failing = new RocksDbResources(1 << 20, 1 << 20, (table, options) -> {
            throw new IllegalArgumentException("bad option");
        })) {
            assertThatExceptionOfType(IllegalArgumentException.class)
                .isThrownBy(() -> RocksDbStore.open(other, "t", failing));
        }
        RocksDbStore.open(other, "t", this.resources).close();
    }

    @Test
    void reopeningAfterCloseKeepsTheData() {
        this.store.put(bytes("a"), bytes("1"));
        this.store.flush();
        this.store.put(bytes("b"), bytes("2"));
        this.store.delete(bytes("a"));
        reopen();
        assertThat(entries()).containsExactly(put("b", "2"));
    }

    @Test
    void writesNeverFlushedAreReplayedFromTheWriteAheadLog() throws IOException {
        this.store.write(List.of(put("a", "1"), put("b", "2")));
        this.store.close();
        assertThat(sstFiles()).as("nothing flushed to a table file").isEmpty();
        reopen();
        assertThat(entries()).containsExactly(put("a", "1"), put("b", "2"));
    }

    @Test
    void writesOfAKilledProcessSurviveInTheWriteAheadLog() throws Exception {
        this.store.close();
        Process child = StoreProcess.start("written", "write-and-halt", dir().toString(), "1000");
        assertThat(StoreProcess.waitFor(child)).isEqualTo(137);
        reopen();
        assertThat(this.store.get(bytes("key-0"))).isEqualTo(bytes("v0"));
        assertThat(this.store.get(bytes("key-999"))).isEqualTo(bytes("v999"));
        assertThat(entries()).hasSize(1000);
    }

    @Test
    void aStoreWhoseCurrentFileIsGarbageIsCorrupted() throws IOException {
        this.store.put(bytes("a"), bytes("1"));
        this.store.close();
        Files.writeString(dir().resolve("CURRENT"), "garbage", StandardCharsets.UTF_8);
        assertCorrupted();
    }

    @Test
    void aStoreWhoseManifestIsGarbageIsCorrupted() throws IOException {
        this.store.put(bytes("a"), bytes("1"));
        this.store.flush();
        this.store.close();
        try (Stream<Path> files = Files.list(dir())) {
            List<Path> manifests = files.filter((file) -> file.getFileName().toString().startsWith("MANIFEST-"))
                .toList();
            assertThat(manifests).isNotEmpty();
            for (Path manifest : manifests) {
                Files.write(manifest, new byte[4096]);
            }
        }
        assertCorrupted();
    }

    @Test
    void aStoreWhoseTableFileIsMissingIsCorrupted() throws IOException {
        this.store.put(bytes("a"), bytes("1"));
        this.store.flush();
        this.store.close();
        for (Path sst : sstFiles()) {
            Files.delete(sst);
        }
        assertCorrupted();
    }

    @Test
    void aCorruptedStoreOpensEmptyOnceWiped() throws IOException {
        this.store.put(bytes("a"), bytes("1"));
        this.store.close();
        Files.writeString(dir().resolve("CURRENT"), "garbage", StandardCharsets.UTF_8);
        StoreCorruptedException ex = assertCorrupted();
        StateDirectory.wipe(ex.directory());
        reopen();
        assertThat(entries()).isEmpty();
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefusedUntilTheFirstCloses() {
        assertThatIllegalStateException().isThrownBy(() -> RocksDbStore.open(dir(), "orders", this.resources))
            .withMessageContaining("already open");
        this.store.put(bytes("a"), bytes("1"));
        reopen();
        assertThat(this.store.get(bytes("a"))).isEqualTo(bytes("1"));
    }

    @Test
    void destroyDeletesTheDirectory() {
        this.store.put(bytes("a"), bytes("1"));
        this.store.destroy();
        assertThat(dir()).doesNotExist();
        reopen();
        assertThat(entries()).isEmpty();
    }

    @Test
    void closingTheStoreReleasesItsOpenIterators() {
        this.store.put(bytes("a"), bytes("1"));
        this.store.put(bytes("b"), bytes("2"));
        KeyValueIterator entries = this.store.all();
        assertThat(entries.next()).isEqualTo(put("a", "1"));
        this.store.close();
        assertThatIllegalStateException().isThrownBy(entries::hasNext);
        entries.close();
    }

    @Test
    void closingWhileOtherThreadsReadAndWriteFailsThemCleanly() throws Exception {
        this.store.put(bytes("k"), bytes("v"));
        ExecutorService executor = Executors.newFixedThreadPool(4);
        CountDownLatch running = new CountDownLatch(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                byte[] key = bytes("k" + t);
                futures.add(executor.submit(() -> {
                    running.countDown();
                    try {
                        while (true) {
                            this.store.put(key, key);
                            assertThat(this.store.get(key)).isEqualTo(key);
                            try (KeyValueIterator entries = this.store.all()) {
                                entries.next();
                            }
                        }
                    }
                    catch (IllegalStateException ex) {
                        assertThat(ex).hasMessageContaining("is closed");
                    }
                }));
            }
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            this.store.close();
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
        }
    }

    @Test
    void anIteratorSeesTheStoreAsItWasWhenCreated() {
        this.store.put(bytes("a"), bytes("1"));
        try (KeyValueIterator entries = this.store.all()) {
            this.store.put(bytes("b"), bytes("2"));
            this.store.delete(bytes("a"));
            assertThat(entries.next()).isEqualTo(put("a", "1"));
            assertThat(entries.hasNext()).isFalse();
        }
    }

    @Test
    void theApproximateCountIncludesFlushedEntries() {
        for (int i = 0; i < 1000; i++) {
            this.store.put(bytes("key-" + i), bytes("value"));
        }
        this.store.flush();
        assertThat(this.store.approximateCount()).isEqualTo(1000);
    }

    @Test
    void storesCannotOpenOnceTheResourcesAreClosed() {
        this.resources.close();
        assertThatIllegalStateException()
            .isThrownBy(() -> RocksDbStore.open(this.tempDir.resolve("other"), "t", this.resources));
        this.store.put(bytes("a"), bytes("1"));
        assertThat(this.store.get(bytes("a"))).isEqualTo(bytes("1"));
    }

    private void reopen() {
        this.store.close();
        this.store = createStore();
    }

    private StoreCorruptedException assertCorrupted() {
        return assertThatExceptionOfType(StoreCorruptedException.class).isThrownBy(this::createStore)
            .withMessageContaining(dir().toString())
            .satisfies((ex) -> assertThat(ex.directory()).isEqualTo(dir()))
            .actual();
    }

    private List<Path> sstFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir())) {
            return files.filter((file) -> file.getFileName().toString().endsWith(".sst")).toList();
        }
    }
}
