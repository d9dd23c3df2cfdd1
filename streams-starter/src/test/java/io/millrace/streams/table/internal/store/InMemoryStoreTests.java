package io.millrace.streams.table.internal.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InMemoryStore}: the {@link KeyValueStore} contract, and no directory.
 */
class InMemoryStoreTests extends AbstractKeyValueStoreTests {

    @Override
    protected KeyValueStore createStore() {
        return new InMemoryStore();
    }

    @Test
    void hasNoDirectory() {
        assertThat(this.store.directory()).isNull();
    }
}
