package io.millrace.streams.metrics;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.table.TablePartition;
import io.millrace.streams.table.TablePartitionView;
import io.millrace.streams.table.TablePartitionView.WindowsView;

/**
 * The meters of the table partitions of every stream, named in {@link StreamsMetrics}. Table partitions come and go
 * with rebalances: each {@link #refresh} registers the meters of partitions that appeared and removes those of
 * partitions that are gone. The meters read the views of the last refresh.
 */
final class TableMetrics {

    private static final TablePartition.Role[] ROLES = TablePartition.Role.values();

    private final MeterRegistry registry;

    private final Supplier<Map<String, List<String>>> declared;

    /** Meters of each open table partition, by {@code (stream, table, partition)}. Guarded by {@code this}. */
    private final Map<PartitionKey, PartitionMeters> partitions = new HashMap<>();

    /** Partition counts by role of each table, by {@code (stream, table)}. Guarded by {@code this}. */
    private final Map<TableKey, TableMeters> tables = new HashMap<>();

    /**
     * Creates the meters' owner; nothing is registered before the first {@link #refresh}.
     * @param registry where the meters go
     * @param declared the declared table names by stream, so that a table counts its partitions (zero) before any
     * is open
     */
    TableMetrics(MeterRegistry registry, Supplier<Map<String, List<String>>> declared) {
        this.registry = registry;
        this.declared = declared;
    }

    /**
     * Follows the streams' table partitions: registers meters for new ones, updates the values of the others,
     * removes the meters of those gone.
     * @param streams the streams now
     */
    synchronized void refresh(List<StreamView> streams) {
        Map<PartitionKey, TablePartitionView> open = new LinkedHashMap<>();
        Map<TableKey, Map<TablePartition.Role, Integer>> roles = new LinkedHashMap<>();
        Map<String, List<String>> declared = this.declared.get();
        for (StreamView stream : streams) {
            Set<String> names = new LinkedHashSet<>(declared.getOrDefault(stream.name(), List.of()));
            List<TablePartitionView> views = (stream.tables() != null) ? stream.tables() : List.of();
            views.forEach((view) -> names.add(view.table()));
            for (String name : names) {
                roles.put(new TableKey(stream.name(), name), new EnumMap<>(TablePartition.Role.class));
            }
            for (TablePartitionView view : views) {
                open.put(new PartitionKey(stream.name(), view.table(), view.partition()), view);
                roles.get(new TableKey(stream.name(), view.table())).merge(view.role(), 1, Integer::sum);
            }
        }
        this.partitions.entrySet()
            .removeIf((entry) -> gone(entry.getValue().meters, open.containsKey(entry.getKey())));
        open.forEach((key, view) -> {
            PartitionMeters meters = this.partitions.get(key);
            if (meters != null) {
                meters.view = view;
            }
            else {
                meters = register(key, view);
                this.partitions.put(key, meters);
            }
            if (!meters.windowed && view.windows() != null) {
                registerWindows(key, meters);
            }
        });
        this.tables.entrySet()
            .removeIf((entry) -> gone(entry.getValue().meters, roles.containsKey(entry.getKey())));
        roles.forEach((key, counts) -> {
            TableMeters meters = this.tables.get(key);
            if (meters != null) {
                meters.counts = counts;
            }
            else {
                this.tables.put(key, register(key, counts));
            }
        });
    }

    private boolean gone(List<Meter> meters, boolean present) {
        if (!present) {
            meters.forEach(this.registry::remove);
        }
        return !present;
    }

    /** Removes every meter. */
    synchronized void clear() {
        this.partitions.values().forEach((meters) -> meters.meters.forEach(this.registry::remove));
        this.tables.values().forEach((meters) -> meters.meters.forEach(this.registry::remove));
        this.partitions.clear();
        this.tables.clear();
    }

    private PartitionMeters register(PartitionKey key, TablePartitionView view) {
        PartitionMeters meters = new PartitionMeters(view);
        Tags tags = Tags.of("stream", key.stream, "table", key.table, "partition", String.valueOf(key.partition));
        meters.meters.add(gauge(StreamsMetrics.TABLE_RESTORE_REMAINING,
                "Changelog records left to restore, 0 unless restoring", tags, meters, TablePartitionView::remaining));
        meters.meters.add(gauge(StreamsMetrics.TABLE_RESTORED,
                "Changelog records applied by the current or last restore or standby catch-up", tags, meters,
                TablePartitionView::restored));
        meters.meters.add(FunctionCounter.builder(StreamsMetrics.TABLE_WRITES, meters,
                (m) -> m.view.written())
            .description("Table writes of processed records since the partition was opened")
            .baseUnit("records").tags(tags).register(this.registry));
        return meters;
    }

    private Meter gauge(String name, String description, Tags tags, PartitionMeters meters,
            ToDoubleFunction<TablePartitionView> value) {
        return Gauge.builder(name, meters, (m) -> value.applyAsDouble(m.view)).description(description)
            .baseUnit("records").tags(tags).strongReference(true).register(this.registry);
    }

    /**
     * Registers the meters of a windowed table's partition, once its view has windows. They read the windows of the
     * last refresh; a view without windows reads {@code NaN} (gauges) or {@code 0} (counters).
     */
    private void registerWindows(PartitionKey key, PartitionMeters meters) {
        Tags tags = Tags.of("stream", key.stream, "table", key.table, "partition", String.valueOf(key.partition));
        meters.meters.add(windowsGauge(StreamsMetrics.TABLE_WINDOWS_OPEN, "Windows with a value not yet closed",
                "windows", tags, meters, WindowsView::open));
        meters.meters.add(windowsCounter(StreamsMetrics.TABLE_WINDOWS_CLOSED,
                "Windows closed since the partition was opened", "windows", tags, meters, WindowsView::closed));
        meters.meters.add(windowsCounter(StreamsMetrics.TABLE_WINDOWS_LATE,
                "Late records, for windows already closed, sent to the dead-letter topic or dropped", "records",
                tags.and("action", "dead-letter"), meters, WindowsView::late));
        meters.meters.add(windowsCounter(StreamsMetrics.TABLE_WINDOWS_LATE,
                "Late records, for windows already closed, sent to the dead-letter topic or dropped", "records",
                tags.and("action", "drop"), meters, WindowsView::droppedLate));
        meters.meters.add(windowsGauge(StreamsMetrics.TABLE_STREAM_TIME,
                "Stream time of the partition, the largest event time seen (epoch milliseconds), NaN before any record",
                "milliseconds", tags, meters, (windows) -> (windows.streamTime() != null) ? windows.streamTime()
                        : Double.NaN));
        meters.meters.add(windowsGauge(StreamsMetrics.TABLE_SEGMENTS, "Time segments of the windowed store",
                "segments", tags, meters, WindowsView::segments));
        meters.meters.add(windowsGauge(StreamsMetrics.TABLE_DISK_BYTES,
                "Size of the windowed store on disk, 0 in memory", "bytes", tags, meters, WindowsView::diskBytes));
        meters.windowed = true;
    }

    private Meter windowsGauge(String name, String description, String unit, Tags tags, PartitionMeters meters,
            ToDoubleFunction<WindowsView> value) {
        return Gauge.builder(name, meters, (m) -> {
            WindowsView windows = m.view.windows();
            return (windows != null) ? value.applyAsDouble(windows) : Double.NaN;
        }).description(description).baseUnit(unit).tags(tags).strongReference(true).register(this.registry);
    }

    private Meter windowsCounter(String name, String description, String unit, Tags tags, PartitionMeters meters,
            ToDoubleFunction<WindowsView> value) {
        return FunctionCounter.builder(name, meters, (m) -> {
            WindowsView windows = m.view.windows();
            return (windows != null) ? value.applyAsDouble(windows) : 0;
        }).description(description).baseUnit(unit).tags(tags).register(this.registry);
    }

    private TableMeters register(TableKey key, Map<TablePartition.Role, Integer> counts) {
        TableMeters meters = new TableMeters(counts);
        for (TablePartition.Role role : ROLES) {
            meters.meters.add(Gauge.builder(StreamsMetrics.TABLE_PARTITIONS, meters,
                    (m) -> m.counts.getOrDefault(role, 0))
                .description("Table partitions in this instance, by role").baseUnit("partitions")
                .tags(Tags.of("stream", key.stream, "table", key.table, "role", role.name().toLowerCase(Locale.ROOT)))
                .strongReference(true).register(this.registry));
        }
        return meters;
    }

    private record PartitionKey(String stream, String table, int partition) {
    }

    private record TableKey(String stream, String table) {
    }

    /** The meters of one table partition and the view they read, replaced on each refresh. */
    private static final class PartitionMeters {

        private final List<Meter> meters = new ArrayList<>();

        private volatile TablePartitionView view;

        /** Whether the meters of a windowed table's partition are registered. */
        private boolean windowed;

        PartitionMeters(TablePartitionView view) {
            this.view = view;
        }
    }

    /** The partition-count gauges of one table and the counts they read, replaced on each refresh. */
    private static final class TableMeters {

        private final List<Meter> meters = new ArrayList<>();

        private volatile Map<TablePartition.Role, Integer> counts;

        TableMeters(Map<TablePartition.Role, Integer> counts) {
            this.counts = counts;
        }
    }
}
