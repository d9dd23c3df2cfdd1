package io.millrace.streams.table.internal.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.millrace.streams.table.KeyValue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * The contract of {@link KeyValueStore}, run against each implementation.
 */
abstract class AbstractKeyValueStoreTests {

    protected KeyValueStore store;

    /** Opens a new, empty store. */
    protected abstract KeyValueStore createStore();

    /** Releases what the implementation needs besides the store, after it closed. */
    protected void cleanUp() {
    }

    @BeforeEach
    void openStore() {
        this.store = createStore();
    }

    @AfterEach
    void closeStore() {
        this.store.close();
        cleanUp();
    }

    @Test
    void anAbsentKeyHasNoValue() {
        assertThat(this.store.get(bytes("missing"))).isNull();
    }

    @Test
    void aPutValueIsReadBackAndReplacedByTheNextPut() {
        this.store.put(bytes("k"), bytes("one"));
        assertThat(this.store.get(bytes("k"))).isEqualTo(bytes("one"));
        this.store.put(bytes("k"), bytes("two"));
        assertThat(this.store.get(bytes("k"))).isEqualTo(bytes("two"));
    }

    @Test
    void anEmptyValueIsAValueNotADelete() {
        this.store.put(bytes("k"), new byte[0]);
        assertThat(this.store.get(bytes("k"))).isEmpty();
    }

    @Test
    void aDeletedKeyHasNoValueAndDeletingAnAbsentKeyDoesNothing() {
        this.store.put(bytes("k"), bytes("v"));
        this.store.delete(bytes("k"));
        this.store.delete(bytes("never"));
        assertThat(this.store.get(bytes("k"))).isNull();
        assertThat(entries()).isEmpty();
    }

    @Test
    void putRejectsANullValue() {
        assertThatNullPointerException().isThrownBy(() -> this.store.put(bytes("k"), null));
    }

    @Test
    void aBatchAppliesItsPutsAndDeletesInOrder() {
        this.store.put(bytes("gone"), bytes("old"));
        this.store.put(bytes("kept"), bytes("old"));
        this.store.write(List.of(put("a", "1"), delete("a"), put("b", "1"), put("b", "2"), delete("gone"),
                delete("c"), put("c", "3"), put("kept", "new")));
        assertThat(entries()).containsExactly(put("b", "2"), put("c", "3"), put("kept", "new"));
    }

    @Test
    void aBatchWithAnInvalidWriteAppliesNothing() {
        List<KeyValue> batch = new ArrayList<>(List.of(put("a", "1"), put("b", "2")));
        batch.add(null);
        assertThatNullPointerException().isThrownBy(() -> this.store.write(batch));
        assertThat(entries()).isEmpty();
    }

    @Test
    void anEmptyBatchChangesNothing() {
        this.store.put(bytes("a"), bytes("1"));
        this.store.write(List.of());
        assertThat(entries()).containsExactly(put("a", "1"));
    }

    @Test
    void theStoreKeepsItsOwnCopiesOfKeysAndValues() {
        byte[] key = bytes("k");
        byte[] value = bytes("v");
        this.store.put(key, value);
        key[0] = 'x';
        value[0] = 'x';
        this.store.get(bytes("k"))[0] = 'y';
        try (KeyValueIterator entries = this.store.all()) {
            entries.next().value()[0] = 'z';
        }
        assertThat(this.store.get(bytes("k"))).isEqualTo(bytes("v"));
    }

    @Test
    void entriesAreIteratedInUnsignedKeyOrder() {
        List<byte[]> sorted = List.of(new byte[0], key(0x00), key(0x01, 0x00), key(0x7f), key(0x7f, 0xff),
                key(0x80), key(0x80, 0x01), key(0xc3, 0xa9), key(0xff), key(0xff, 0x00));
        List<byte[]> shuffled = new ArrayList<>(sorted);
        Collections.reverse(shuffled);
        Collections.swap(shuffled, 0, 4);
        for (byte[] key : shuffled) {
            this.store.put(key, key);
        }
        assertThat(entries()).extracting(KeyValue::key)
            .usingElementComparator(Arrays::compareUnsigned)
            .containsExactlyElementsOf(sorted);
    }

    @Test
    void theLastKeyIsTheLargestInUnsignedOrder() {
        assertThat(this.store.lastKey()).isNull();
        this.store.put(key(0x7f, 0xff), bytes("1"));
        this.store.put(key(0x80), bytes("2"));
        this.store.put(key(0x01), bytes("3"));
        assertThat(this.store.lastKey()).isEqualTo(key(0x80));
        this.store.delete(key(0x80));
        assertThat(this.store.lastKey()).isEqualTo(key(0x7f, 0xff));
    }

    @Test
    void anIteratorOfAnEmptyStoreHasNoEntries() {
        try (KeyValueIterator entries = this.store.all()) {
            assertThat(entries.hasNext()).isFalse();
            assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(entries::next);
        }
    }

    @Test
    void anIteratorEndsAfterTheLastEntryAndMayBeClosedTwice() {
        this.store.put(bytes("a"), bytes("1"));
        KeyValueIterator entries = this.store.all();
        assertThat(entries.next()).isEqualTo(put("a", "1"));
        assertThat(entries.hasNext()).isFalse();
        assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(entries::next);
        entries.close();
        entries.close();
    }

    @Test
    void theApproximateCountOfDistinctPutsIsTheirNumber() {
        assertThat(this.store.approximateCount()).isZero();
        for (int i = 0; i < 100; i++) {
            this.store.put(bytes("key-" + i), bytes("value"));
        }
        assertThat(this.store.approximateCount()).isEqualTo(100);
    }

    @Test
    void flushKeepsTheEntries() {
        this.store.put(bytes("a"), bytes("1"));
        this.store.flush();
        assertThat(entries()).containsExactly(put("a", "1"));
    }

    @Test
    void threadsReadAndWriteDifferentKeysConcurrently() throws Exception {
        int threads = 8;
        int keysPerThread = 500;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < keysPerThread; i++) {
                        byte[] key = bytes(thread + "-" + i);
                        this.store.put(key, key);
                        assertThat(this.store.get(key)).isEqualTo(key);
                        if (i % 10 == 0) {
                            this.store.write(List.of(new KeyValue(key, null), new KeyValue(key, key)));
                        }
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(entries()).hasSize(threads * keysPerThread)
            .allSatisfy((entry) -> assertThat(entry.value()).isEqualTo(entry.key()));
    }

    @Test
    void aClosedStoreRefusesEveryOperationAndClosesAgainQuietly() {
        this.store.close();
        this.store.close();
        assertThatIllegalStateException().isThrownBy(() -> this.store.get(bytes("k")));
        assertThatIllegalStateException().isThrownBy(() -> this.store.put(bytes("k"), bytes("v")));
        assertThatIllegalStateException().isThrownBy(() -> this.store.delete(bytes("k")));
        assertThatIllegalStateException().isThrownBy(() -> this.store.write(List.of(put("k", "v"))));
        assertThatIllegalStateException().isThrownBy(() -> this.store.all());
        assertThatIllegalStateException().isThrownBy(() -> this.store.approximateCount());
        assertThatIllegalStateException().isThrownBy(() -> this.store.flush());
    }

    @Test
    void destroyClosesTheStore() {
        this.store.put(bytes("a"), bytes("1"));
        this.store.destroy();
        assertThatIllegalStateException().isThrownBy(() -> this.store.get(bytes("a")));
        this.store.destroy();
    }

    protected List<KeyValue> entries() {
        List<KeyValue> entries = new ArrayList<>();
        try (KeyValueIterator iterator = this.store.all()) {
            iterator.forEachRemaining(entries::add);
        }
        return entries;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] key(int... unsignedBytes) {
        byte[] key = new byte[unsignedBytes.length];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) unsignedBytes[i];
        }
        return key;
    }

    static KeyValue put(String key, String value) {
        return new KeyValue(bytes(key), bytes(value));
    }

    static KeyValue delete(String key) {
        return new KeyValue(bytes(key), null);
    }
}
