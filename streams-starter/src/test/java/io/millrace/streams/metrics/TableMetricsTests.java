package io.millrace.streams.metrics;

import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static io.millrace.streams.test.StreamViews.active;
import static io.millrace.streams.test.StreamViews.restoring;
import static io.millrace.streams.test.StreamViews.standby;
import static io.millrace.streams.test.StreamViews.stream;
import static io.millrace.streams.test.StreamViews.windowed;
import static io.millrace.streams.test.StreamViews.windows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TableMetrics}: the table meters follow table partitions as they appear, change role and go.
 */
class TableMetricsTests {

    private final MeterRegistry registry = new SimpleMeterRegistry();

    private final TableMetrics metrics = new TableMetrics(this.registry,
            () -> Map.of("word-count", List.of("word-counts", "totals"), "plain", List.of()));

    @Test
    void registersRestoreProgressWritesAndPartitionsByRole() {
        this.metrics.refresh(List.of(stream("word-count", restoring("word-counts", 0, 800, 1200),
                active("word-counts", 1, 42), standby("word-counts", 2, 7)), stream("plain")));

        assertThat(gauge(StreamsMetrics.TABLE_RESTORE_REMAINING, "word-count", "word-counts", "0")).isEqualTo(1200);
        assertThat(gauge(StreamsMetrics.TABLE_RESTORED, "word-count", "word-counts", "0")).isEqualTo(800);
        assertThat(gauge(StreamsMetrics.TABLE_RESTORE_REMAINING, "word-count", "word-counts", "1")).isZero();
        assertThat(gauge(StreamsMetrics.TABLE_RESTORED, "word-count", "word-counts", "2")).isEqualTo(7);
        assertThat(writes("word-count", "word-counts", "1")).isEqualTo(42);
        assertThat(partitions("word-count", "word-counts", "restoring")).isEqualTo(1);
        assertThat(partitions("word-count", "word-counts", "active")).isEqualTo(1);
        assertThat(partitions("word-count", "word-counts", "standby")).isEqualTo(1);
        // A declared table without open partitions counts zero partitions; a stream without tables has no meters.
        assertThat(partitions("word-count", "totals", "active")).isZero();
        assertThat(this.registry.find(StreamsMetrics.TABLE_PARTITIONS).tag("stream", "plain").meters()).isEmpty();
        assertThat(this.registry.get(StreamsMetrics.TABLE_RESTORE_REMAINING).gauge().getId().getBaseUnit())
            .isEqualTo("records");
    }

    @Test
    void followsPartitionsAsTheyComeRestoreAndGo() {
        this.metrics.refresh(List.of(stream("word-count", restoring("word-counts", 0, 0, 2000),
                restoring("word-counts", 1, 0, 10))));
        Meter remainingOf1 = this.registry.get(StreamsMetrics.TABLE_RESTORE_REMAINING).tag("partition", "1").gauge();

        this.metrics.refresh(List.of(stream("word-count", restoring("word-counts", 0, 1500, 500),
                active("word-counts", 2, 3))));

        assertThat(gauge(StreamsMetrics.TABLE_RESTORE_REMAINING, "word-count", "word-counts", "0")).isEqualTo(500);
        assertThat(gauge(StreamsMetrics.TABLE_RESTORED, "word-count", "word-counts", "0")).isEqualTo(1500);
        assertThat(this.registry.find(StreamsMetrics.TABLE_RESTORE_REMAINING).tag("partition", "1").meters())
            .isEmpty();
        assertThat(this.registry.find(StreamsMetrics.TABLE_WRITES).tag("partition", "1").meters()).isEmpty();
        assertThat(this.registry.getMeters()).doesNotContain(remainingOf1);
        assertThat(writes("word-count", "word-counts", "2")).isEqualTo(3);
        assertThat(partitions("word-count", "word-counts", "restoring")).isEqualTo(1);

        // Partition 0 finished restoring: same meters, now active.
        this.metrics.refresh(List.of(stream("word-count", active("word-counts", 0, 5), active("word-counts", 2, 9))));
        assertThat(gauge(StreamsMetrics.TABLE_RESTORE_REMAINING, "word-count", "word-counts", "0")).isZero();
        assertThat(writes("word-count", "word-counts", "2")).isEqualTo(9);
        assertThat(partitions("word-count", "word-counts", "restoring")).isZero();
        assertThat(partitions("word-count", "word-counts", "active")).isEqualTo(2);
    }

    @Test
    void windowedTablesShowTheirWindowsLateRecordsStreamTimeAndSegmentsPerPartition() {
        this.metrics.refresh(List.of(stream("word-count", windowed("word-counts", 0, windows(null, 0, 0, 0, 0, 0, 0)),
                windowed("word-counts", 1, windows(1_700_000_000_000L, 12, 30, 4, 0, 3, 4096)),
                active("totals", 1, 42))));

        assertThat(gauge(StreamsMetrics.TABLE_WINDOWS_OPEN, "word-count", "word-counts", "1")).isEqualTo(12);
        assertThat(counter(StreamsMetrics.TABLE_WINDOWS_CLOSED, "word-count", "word-counts", "1")).isEqualTo(30);
        assertThat(late("word-counts", "1", "dead-letter")).isEqualTo(4);
        assertThat(late("word-counts", "1", "drop")).isZero();
        assertThat(gauge(StreamsMetrics.TABLE_STREAM_TIME, "word-count", "word-counts", "1"))
            .isEqualTo(1_700_000_000_000d);
        assertThat(gauge(StreamsMetrics.TABLE_SEGMENTS, "word-count", "word-counts", "1")).isEqualTo(3);
        assertThat(gauge(StreamsMetrics.TABLE_DISK_BYTES, "word-count", "word-counts", "1")).isEqualTo(4096);
        // No record yet: no stream time.
        assertThat(gauge(StreamsMetrics.TABLE_STREAM_TIME, "word-count", "word-counts", "0")).isNaN();
        assertThat(gauge(StreamsMetrics.TABLE_WINDOWS_OPEN, "word-count", "word-counts", "0")).isZero();
        // A plain table has none of them.
        for (String name : List.of(StreamsMetrics.TABLE_WINDOWS_OPEN, StreamsMetrics.TABLE_WINDOWS_CLOSED,
                StreamsMetrics.TABLE_WINDOWS_LATE, StreamsMetrics.TABLE_STREAM_TIME, StreamsMetrics.TABLE_SEGMENTS,
                StreamsMetrics.TABLE_DISK_BYTES)) {
            assertThat(this.registry.find(name).tag("table", "totals").meters()).as(name).isEmpty();
            assertThat(this.registry.find(name).tag("table", "word-counts").meters()).as(name)
                .hasSize(name.equals(StreamsMetrics.TABLE_WINDOWS_LATE) ? 4 : 2);
        }
        assertThat(this.registry.get(StreamsMetrics.TABLE_STREAM_TIME).gauge().getId().getBaseUnit())
            .isEqualTo("milliseconds");
        assertThat(this.registry.get(StreamsMetrics.TABLE_DISK_BYTES).gauge().getId().getBaseUnit())
            .isEqualTo("bytes");

        // The next refresh: the same meters read the new views.
        this.metrics.refresh(List.of(stream("word-count",
                windowed("word-counts", 0, windows(1_700_000_005_000L, 2, 1, 0, 7, 1, 512)),
                windowed("word-counts", 1, windows(1_700_000_010_000L, 5, 41, 6, 0, 2, 2048)))));

        assertThat(gauge(StreamsMetrics.TABLE_STREAM_TIME, "word-count", "word-counts", "0"))
            .isEqualTo(1_700_000_005_000d);
        assertThat(late("word-counts", "0", "drop")).isEqualTo(7);
        assertThat(counter(StreamsMetrics.TABLE_WINDOWS_CLOSED, "word-count", "word-counts", "1")).isEqualTo(41);
        assertThat(gauge(StreamsMetrics.TABLE_WINDOWS_OPEN, "word-count", "word-counts", "1")).isEqualTo(5);
        assertThat(gauge(StreamsMetrics.TABLE_SEGMENTS, "word-count", "word-counts", "1")).isEqualTo(2);
        assertThat(gauge(StreamsMetrics.TABLE_DISK_BYTES, "word-count", "word-counts", "0")).isEqualTo(512);

        // Partition 0 moved away: its meters go, with the other meters of the partition.
        this.metrics.refresh(List.of(stream("word-count",
                windowed("word-counts", 1, windows(1_700_000_010_000L, 5, 41, 6, 0, 2, 2048)))));
        assertThat(this.registry.find(StreamsMetrics.TABLE_STREAM_TIME).tag("partition", "0").meters()).isEmpty();
        assertThat(this.registry.find(StreamsMetrics.TABLE_WINDOWS_LATE).tag("partition", "0").meters()).isEmpty();
        assertThat(this.registry.find(StreamsMetrics.TABLE_SEGMENTS).meters()).hasSize(1);
    }

    @Test
    void removesTheMetersOfAStreamThatIsGone() {
        this.metrics.refresh(List.of(stream("word-count", active("word-counts", 0, 1)), stream("plain")));
        assertThat(this.registry.find(StreamsMetrics.TABLE_WRITES).meters()).hasSize(1);

        this.metrics.refresh(List.of(stream("plain")));

        assertThat(this.registry.getMeters()).noneMatch((meter) -> meter.getId().getName().startsWith("millrace.table"));
    }

    @Test
    void clearRemovesEveryMeter() {
        this.metrics.refresh(List.of(stream("word-count", restoring("word-counts", 0, 1, 2))));
        this.metrics.clear();
        assertThat(this.registry.getMeters()).isEmpty();
    }

    private double gauge(String name, String stream, String table, String partition) {
        return this.registry.get(name).tags("stream", stream, "table", table, "partition", partition).gauge().value();
    }

    private double counter(String name, String stream, String table, String partition) {
        return this.registry.get(name).tags("stream", stream, "table", table, "partition", partition)
            .functionCounter()
            .count();
    }

    private double late(String table, String partition, String action) {
        return this.registry.get(StreamsMetrics.TABLE_WINDOWS_LATE)
            .tags("stream", "word-count", "table", table, "partition", partition, "action", action)
            .functionCounter()
            .count();
    }

    private double writes(String stream, String table, String partition) {
        return this.registry.get(StreamsMetrics.TABLE_WRITES)
            .tags("stream", stream, "table", table, "partition", partition)
            .functionCounter()
            .count();
    }

    private double partitions(String stream, String table, String role) {
        return this.registry.get(StreamsMetrics.TABLE_PARTITIONS)
            .tags("stream", stream, "table", table, "role", role)
            .gauge()
            .value();
    }
}
