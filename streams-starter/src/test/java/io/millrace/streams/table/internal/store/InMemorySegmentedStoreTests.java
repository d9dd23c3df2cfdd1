package io.millrace.streams.table.internal.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SegmentedStore} of {@link InMemoryStore} segments: the contract and the segments, no directory.
 */
class InMemorySegmentedStoreTests extends AbstractSegmentedStoreTests {

    @Override
    protected SegmentedStore openSegmented() {
        return SegmentedStore.inMemory(WINDOWS);
    }

    @Override
    protected boolean durable() {
        return false;
    }

    @Test
    void aReadOfASegmentDroppedUnderItFindsNothing() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch dropped = new CountDownLatch(1);
        SegmentedStore store = SegmentedStore.open(null, WINDOWS, (name) -> slowGets(new InMemoryStore(), () -> {
            reading.countDown();
            await(dropped);
        }));
        try {
            store.put(window(0, "a"), bytes("v"));
            CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> store.get(window(0, "a")));
            await(reading);
            store.put(window(149, "b"), bytes("v"));
            dropped.countDown();
            assertThat(read.get(10, TimeUnit.SECONDS)).isNull();
        }
        finally {
            store.close();
        }
    }

    /** A store that runs something before each read. */
    private static KeyValueStore slowGets(KeyValueStore store, Runnable beforeGet) {
        return (KeyValueStore) Proxy.newProxyInstance(KeyValueStore.class.getClassLoader(),
                new Class<?>[] { KeyValueStore.class }, (proxy, method, args) -> {
                    if (method.getName().equals("get")) {
                        beforeGet.run();
                    }
                    try {
                        return method.invoke(store, args);
                    }
                    catch (InvocationTargetException ex) {
                        throw ex.getCause();
                    }
                });
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        }
        catch (InterruptedException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void hasNoDirectoryAndNoSizeOnDisk() {
        this.store.put(window(0, "a"), bytes("v"));
        assertThat(this.store.directory()).isNull();
        assertThat(this.store.sizeOnDisk()).isZero();
    }
}
