package io.millrace.streams.table;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.millrace.streams.table.internal.StoredTablePartition;

import static io.millrace.streams.table.TestTables.COUNTS;
import static io.millrace.streams.table.TestTables.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link ContextTable}: the partition of the record in hand, its own writes over the committed entries.
 */
class ContextTableTests {

    private final TestTables tables = new TestTables(false, COUNTS);

    private final TableWrites writes = new TableWrites();

    /** The input partition of the record in hand, {@code -1} for none. */
    private final AtomicInteger partition = new AtomicInteger(1);

    private final ContextTable<String, Long> table = new ContextTable<>(COUNTS, this.tables, this.writes,
            this.partition::get);

    @Test
    void theViewIsTheTableOfTheRecordsPartition() {
        assertThat(this.table.name()).isEqualTo("counts");
        assertThat(this.table.partition()).isEqualTo(1);
        this.tables.store("counts", 0).put(utf8("apple"), utf8("10"));
        this.tables.store("counts", 1).put(utf8("apple"), utf8("11"));
        assertThat(this.table.get("apple")).isEqualTo(11L);
        this.partition.set(0);
        assertThat(this.table.partition()).isZero();
        assertThat(this.table.get("apple")).isEqualTo(10L);
        this.table.put("apple", 20L);
        this.partition.set(1);
        assertThat(this.table.get("apple")).isEqualTo(11L);
    }

    @Test
    void readsSeeTheRecordsOwnWritesOverTheCommittedEntriesWhichStayUntouched() {
        this.tables.store("counts", 1).put(utf8("apple"), utf8("5"));
        this.tables.store("counts", 1).put(utf8("pear"), utf8("7"));
        assertThat(this.table.get("apple")).isEqualTo(5L);
        assertThat(this.table.get("plum")).isNull();
        assertThat(this.table.getOrDefault("plum", 0L)).isZero();

        this.table.put("apple", 6L);
        this.table.delete("pear");
        this.table.put("plum", 1L);
        assertThat(this.table.get("apple")).isEqualTo(6L);
        assertThat(this.table.get("pear")).isNull();
        assertThat(this.table.getOrDefault("pear", -1L)).isEqualTo(-1L);
        assertThat(this.table.get("plum")).isEqualTo(1L);

        assertThat(TestTables.text(this.tables.store("counts", 1).get(utf8("apple")))).isEqualTo("5");
        assertThat(TestTables.text(this.tables.store("counts", 1).get(utf8("pear")))).isEqualTo("7");
        assertThat(this.tables.store("counts", 1).get(utf8("plum"))).isNull();
    }

    @Test
    void mergeAndComputeReadTheOwnWritesAndANullResultDeletes() {
        this.tables.store("counts", 1).put(utf8("apple"), utf8("5"));
        assertThat(this.table.merge("apple", 1L, Long::sum)).isEqualTo(6L);
        assertThat(this.table.merge("apple", 1L, Long::sum)).isEqualTo(7L);
        assertThat(this.table.merge("plum", 1L, Long::sum)).isEqualTo(1L);
        assertThat(this.table.compute("apple", (key, value) -> null)).isNull();
        assertThat(this.table.get("apple")).isNull();
        assertThat(this.table.compute("apple", (key, value) -> (value == null) ? 100L : value)).isEqualTo(100L);
        assertThat(this.table.merge("plum", 1L, (current, one) -> null)).isNull();
        assertThat(this.table.get("plum")).isNull();
        assertThat(this.writes.of(this.tables.partition("counts", 1))).hasSize(2);
    }

    @Test
    void forEachMergesTheOwnWritesIntoTheStoreInUnsignedKeyOrder() {
        // 'é' is 0xC3 0xA9 in UTF-8: after 'z' in unsigned byte order, before 'A' in signed order.
        this.tables.store("counts", 1).put(utf8("a"), utf8("1"));
        this.tables.store("counts", 1).put(utf8("c"), utf8("3"));
        this.tables.store("counts", 1).put(utf8("e"), utf8("5"));
        this.tables.store("counts", 1).put(utf8("z"), utf8("26"));
        this.table.put("b", 2L);
        this.table.delete("c");
        this.table.put("e", 50L);
        this.table.put("é", 99L);
        this.table.put("B", 20L);
        this.table.delete("never");
        assertThat(entries()).containsExactly("B=20", "a=1", "b=2", "e=50", "z=26", "é=99");
    }

    @Test
    void forEachWithoutOwnWritesVisitsTheStoreInKeyOrder() {
        this.tables.store("counts", 1).put(utf8("é"), utf8("9"));
        this.tables.store("counts", 1).put(utf8("b"), utf8("2"));
        this.tables.store("counts", 1).put(utf8("a"), utf8("1"));
        assertThat(entries()).containsExactly("a=1", "b=2", "é=9");
    }

    @Test
    void forEachUnderExactlyOnceSeesTheOpenTransactionAndTheOwnWritesOverIt() {
        TestTables transactional = new TestTables(true, COUNTS);
        ContextTable<String, Long> view = new ContextTable<>(COUNTS, transactional, this.writes, () -> 1);
        StoredTablePartition partition = transactional.partition("counts", 1);
        partition.store().put(utf8("a"), utf8("1"));
        partition.store().put(utf8("b"), utf8("2"));
        partition.store().put(utf8("c"), utf8("3"));
        // A finished record of the open transaction deleted b and changed c.
        TableWrites finished = new TableWrites();
        finished.add(partition, utf8("b"), null);
        finished.add(partition, utf8("c"), utf8("30"));
        finished.finish(new ArrayList<>());
        view.put("a", 10L);
        view.put("b", 20L);
        List<String> seen = new ArrayList<>();
        view.forEach((key, value) -> seen.add(key + "=" + value));
        assertThat(seen).containsExactly("a=10", "b=20", "c=30");
        assertThat(view.get("c")).isEqualTo(30L);
    }

    @Test
    void nullKeysAndNullValuesAreRefusedNamingTheTable() {
        assertThatIllegalArgumentException().isThrownBy(() -> this.table.put(null, 1L))
            .withMessageContaining("'counts'").withMessageContaining("null key");
        assertThatIllegalArgumentException().isThrownBy(() -> this.table.get(null))
            .withMessageContaining("null key");
        assertThatIllegalArgumentException().isThrownBy(() -> this.table.delete(null))
            .withMessageContaining("null key");
        assertThatIllegalArgumentException().isThrownBy(() -> this.table.put("apple", null))
            .withMessageContaining("'counts'").withMessageContaining("use delete");
        assertThat(this.writes.isEmpty()).isTrue();
    }

    @Test
    void withoutARecordInHandTheTableCannotBeReached() {
        this.partition.set(-1);
        assertThat(this.table.partition()).isEqualTo(-1);
        assertThatIllegalStateException().isThrownBy(() -> this.table.get("apple"))
            .withMessageContaining("'counts'").withMessageContaining("only while a record is processed");
        assertThatIllegalStateException().isThrownBy(() -> this.table.put("apple", 1L));
        assertThatIllegalStateException().isThrownBy(() -> this.table.delete("apple"));
        assertThatIllegalStateException().isThrownBy(() -> this.table.forEach((key, value) -> {
        }));
        assertThatIllegalStateException().isThrownBy(this.table::approximateSize);
        assertThat(this.writes.isEmpty()).isTrue();
    }

    @Test
    void theApproximateSizeIsThatOfTheCommittedPartition() {
        this.tables.store("counts", 1).put(utf8("a"), utf8("1"));
        this.tables.store("counts", 1).put(utf8("b"), utf8("1"));
        this.tables.store("counts", 0).put(utf8("c"), utf8("1"));
        assertThat(this.table.approximateSize()).isEqualTo(2);
    }

    private List<String> entries() {
        List<String> seen = new ArrayList<>();
        this.table.forEach((key, value) -> seen.add(key + "=" + value));
        return seen;
    }
}
