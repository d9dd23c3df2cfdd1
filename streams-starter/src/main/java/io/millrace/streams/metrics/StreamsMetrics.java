package io.millrace.streams.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.runtime.StreamView;
import io.millrace.streams.table.TableDefinition;

/**
 * Every Millrace meter, named here and nowhere else. Reads the {@link StreamManager}'s counters; follows streams
 * added and removed at runtime.
 *
 * <ul>
 * <li>{@code millrace.records.consumed}, {@code .processed}, {@code .filtered}, {@code .dead.lettered}
 * (tag {@code stream}): records fetched, fully processed, dropped by the input processor, dead-lettered;</li>
 * <li>{@code millrace.records.produced} (tags {@code stream}, {@code topic}): output records acknowledged;</li>
 * <li>{@code millrace.stream.partitions.assigned}, {@code .paused} (tag {@code stream}): partitions owned and
 * paused;</li>
 * <li>{@code millrace.stream.in.flight}, {@code millrace.stream.lag} (tag {@code stream}): records in flight, and
 * records not yet committed on the owned partitions;</li>
 * <li>{@code millrace.partition.lag} (tags {@code stream}, {@code partition}): the same per partition, refreshed
 * every few seconds;</li>
 * <li>{@code millrace.records.latency} (timer, tag {@code stream}): time from fetch to fully processed;</li>
 * <li>{@code millrace.commit.latency} (timer, tag {@code stream}): round trip of offset commits;</li>
 * <li>{@code millrace.table.restore.remaining} (tags {@code stream}, {@code table}, {@code partition}): changelog
 * records left to restore, {@code 0} unless the partition restores;</li>
 * <li>{@code millrace.table.restored} (same tags): changelog records applied by the current or last restore, or by
 * a standby's catch-up; a gauge, as it starts again from {@code 0} with each restore;</li>
 * <li>{@code millrace.table.writes} (function counter, same tags): table writes of processed records since the
 * partition was opened in this instance;</li>
 * <li>{@code millrace.table.partitions} (tags {@code stream}, {@code table}, {@code role}: {@code restoring},
 * {@code active}, {@code standby}): table partitions in this instance;</li>
 * <li>windowed tables only, tags {@code stream}, {@code table}, {@code partition}:
 * {@code millrace.table.windows.open} (gauge): windows with a value not yet closed;
 * {@code millrace.table.windows.closed} (function counter): windows closed since the partition was opened in this
 * instance, each handed to the stream's outputs of closed windows if it has any; {@code millrace.table.windows.late} (function counter,
 * tag {@code action}: {@code dead-letter} or {@code drop}): records for windows already closed;
 * {@code millrace.table.stream.time} (gauge, epoch milliseconds, {@code NaN} before any record): the partition's
 * stream time; {@code millrace.table.segments} and {@code millrace.table.disk.bytes} (gauges): the store's time
 * segments and its size on disk ({@code 0} in memory);</li>
 * <li>{@code millrace.stage.records.consumed}, {@code .processed}, {@code .dead.lettered} and
 * {@code millrace.stage.lag} (tags {@code stream}, {@code stage}: {@code 1} reads the input and writes the
 * repartition topic, {@code 2} reads it with the tables and outputs): the stages of a re-keyed stream, whose
 * {@code millrace.records.*} count records consumed from the input, processed by stage 2, filtered and
 * dead-lettered by either stage.</li>
 * </ul>
 *
 * <p>Per-partition meters are refreshed every few seconds: registered when a partition appears, removed when it is
 * gone, their values as of the last refresh.
 */
public class StreamsMetrics implements MeterBinder, StreamManager.Listener, AutoCloseable {

    public static final String CONSUMED = "millrace.records.consumed";

    public static final String PROCESSED = "millrace.records.processed";

    public static final String FILTERED = "millrace.records.filtered";

    public static final String DEAD_LETTERED = "millrace.records.dead.lettered";

    public static final String PRODUCED = "millrace.records.produced";

    public static final String PARTITIONS_ASSIGNED = "millrace.stream.partitions.assigned";

    public static final String PARTITIONS_PAUSED = "millrace.stream.partitions.paused";

    public static final String IN_FLIGHT = "millrace.stream.in.flight";

    public static final String LAG = "millrace.stream.lag";

    public static final String PARTITION_LAG = "millrace.partition.lag";

    public static final String LATENCY = "millrace.records.latency";

    public static final String COMMIT_LATENCY = "millrace.commit.latency";

    public static final String TABLE_RESTORE_REMAINING = "millrace.table.restore.remaining";

    public static final String TABLE_RESTORED = "millrace.table.restored";

    public static final String TABLE_WRITES = "millrace.table.writes";

    public static final String TABLE_PARTITIONS = "millrace.table.partitions";

    public static final String TABLE_WINDOWS_OPEN = "millrace.table.windows.open";

    public static final String TABLE_WINDOWS_CLOSED = "millrace.table.windows.closed";

    public static final String TABLE_WINDOWS_LATE = "millrace.table.windows.late";

    public static final String TABLE_STREAM_TIME = "millrace.table.stream.time";

    public static final String TABLE_SEGMENTS = "millrace.table.segments";

    public static final String TABLE_DISK_BYTES = "millrace.table.disk.bytes";

    public static final String STAGE_CONSUMED = "millrace.stage.records.consumed";

    public static final String STAGE_PROCESSED = "millrace.stage.records.processed";

    public static final String STAGE_DEAD_LETTERED = "millrace.stage.records.dead.lettered";

    public static final String STAGE_LAG = "millrace.stage.lag";

    private static final Logger logger = LoggerFactory.getLogger(StreamsMetrics.class);

    private static final long PARTITION_REFRESH_SECONDS = 5;

    /** Refreshes the per-partition meters: partitions come and go with rebalances. */
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor((runnable) -> {
        Thread thread = new Thread(runnable, "millrace-metrics");
        thread.setDaemon(true);
        return thread;
    });

    private volatile MultiGauge partitionLag;

    private volatile TableMetrics tableMetrics;

    private final StreamManager manager;

    private final Map<String, List<Meter>> meters = new ConcurrentHashMap<>();

    private volatile MeterRegistry registry;

    public StreamsMetrics(StreamManager manager) {
        this.manager = manager;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        this.manager.definitions().forEach(this::register);
        this.manager.addListener(this);
        this.partitionLag = MultiGauge.builder(PARTITION_LAG).description("Records not yet committed")
            .baseUnit("records").register(registry);
        this.tableMetrics = new TableMetrics(registry, this::declaredTables);
        this.refresher.scheduleWithFixedDelay(this::refreshPartitions, 0, PARTITION_REFRESH_SECONDS,
                TimeUnit.SECONDS);
    }

    private void refreshPartitions() {
        try {
            refresh(this.manager.streams());
        }
        catch (RuntimeException ex) {
            // The next refresh tries again; an exception here would cancel every later one.
            logger.warn("Could not refresh the per-partition meters", ex);
        }
    }

    /**
     * Refreshes the per-partition meters from the given streams: registers the meters of partitions that appeared,
     * removes those of partitions that are gone. Called every few seconds once bound.
     * @param streams the streams now
     */
    void refresh(List<StreamView> streams) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (StreamView stream : streams) {
            stream.partitions().forEach((partition, view) -> {
                if (view.lag() >= 0) {
                    rows.add(MultiGauge.Row.of(Tags.of("stream", stream.name(), "partition", partition), view.lag()));
                }
            });
        }
        this.partitionLag.register(rows, true);
        this.tableMetrics.refresh(streams);
    }

    private Map<String, List<String>> declaredTables() {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        for (StreamDefinition definition : this.manager.definitions()) {
            tables.put(definition.name(), definition.tables().stream().map(TableDefinition::name).toList());
        }
        return tables;
    }

    @Override
    public void close() {
        this.refresher.shutdownNow();
    }

    @Override
    public void added(StreamDefinition definition) {
        register(definition);
    }

    @Override
    public void removed(String name) {
        MeterRegistry registry = this.registry;
        List<Meter> removed = this.meters.remove(name);
        if (registry != null && removed != null) {
            removed.forEach(registry::remove);
        }
    }

    private void register(StreamDefinition definition) {
        MeterRegistry registry = this.registry;
        List<StreamStats> stages = this.manager.stageStats(definition.name());
        if (registry == null || stages.isEmpty()) {
            return;
        }
        // A re-keyed stream counts as one: records consumed from its input, processed by its last stage, filtered
        // and dead-lettered by either; each stage also has meters of its own, tagged stage.
        StreamStats first = stages.get(0);
        StreamStats last = stages.get(stages.size() - 1);
        String name = definition.name();
        Tags tags = Tags.of("stream", name);
        List<Meter> registered = new CopyOnWriteArrayList<>();
        registered.add(counter(registry, CONSUMED, "Records fetched from the input topic", tags, first,
                StreamStats::consumed));
        registered.add(counter(registry, PROCESSED, "Records fully processed", tags, last, StreamStats::processed));
        registered.add(counter(registry, FILTERED, "Records dropped by the input processor", tags, stages,
                (all) -> sum(all, StreamStats::filtered)));
        registered.add(counter(registry, DEAD_LETTERED, "Records sent to the dead-letter topic", tags, stages,
                (all) -> sum(all, StreamStats::deadLettered)));
        for (String topic : definition.outputTopics()) {
            registered.add(counter(registry, PRODUCED, "Output records acknowledged by the broker",
                    tags.and("topic", topic), last, (s) -> s.produced().getOrDefault(topic, 0L)));
        }
        registered.add(FunctionTimer.builder(LATENCY, last, StreamStats::processed, StreamStats::latencyNanos,
                TimeUnit.NANOSECONDS).description("Time from fetch to fully processed").tags(tags).register(registry));
        registered.add(FunctionTimer.builder(COMMIT_LATENCY, last, StreamStats::commits, StreamStats::commitNanos,
                TimeUnit.NANOSECONDS).description("Round trip of offset commits").tags(tags).register(registry));
        registered.add(gauge(registry, IN_FLIGHT, "Records in flight", tags, name, StreamView::inFlight, "records"));
        registered.add(gauge(registry, LAG, "Records not yet committed on the owned partitions", tags, name,
                StreamView::lag, "records"));
        registered.add(gauge(registry, PARTITIONS_ASSIGNED, "Input partitions owned", tags, name,
                (view) -> view.partitions().size(), "partitions"));
        registered.add(gauge(registry, PARTITIONS_PAUSED, "Input partitions paused", tags, name,
                (view) -> view.paused().size(), "partitions"));
        if (stages.size() > 1) {
            for (int i = 0; i < stages.size(); i++) {
                registerStage(registry, registered, name, i + 1, stages.get(i));
            }
        }
        this.meters.put(name, registered);
    }

    /** The meters of one stage of a re-keyed stream, tagged {@code stream} and {@code stage} (1 or 2). */
    private void registerStage(MeterRegistry registry, List<Meter> registered, String name, int stage,
            StreamStats stats) {
        Tags tags = Tags.of("stream", name, "stage", String.valueOf(stage));
        registered.add(counter(registry, STAGE_CONSUMED, "Records fetched by the stage", tags, stats,
                StreamStats::consumed));
        registered.add(counter(registry, STAGE_PROCESSED, "Records fully processed by the stage", tags, stats,
                StreamStats::processed));
        registered.add(counter(registry, STAGE_DEAD_LETTERED, "Records the stage sent to the dead-letter topic",
                tags, stats, StreamStats::deadLettered));
        registered.add(gauge(registry, STAGE_LAG, "Records not yet committed on the stage's owned partitions", tags,
                name, (view) -> (view.stages().size() >= stage) ? view.stages().get(stage - 1).lag() : Double.NaN,
                "records"));
    }

    private static double sum(List<StreamStats> stages, ToDoubleFunction<StreamStats> value) {
        double sum = 0;
        for (StreamStats stats : stages) {
            sum += value.applyAsDouble(stats);
        }
        return sum;
    }

    private static <T> Meter counter(MeterRegistry registry, String name, String description, Tags tags, T stats,
            ToDoubleFunction<T> value) {
        return FunctionCounter.builder(name, stats, value).description(description).baseUnit("records").tags(tags)
                .register(registry);
    }

    private Meter gauge(MeterRegistry registry, String name, String description, Tags tags, String stream,
            ToDoubleFunction<StreamView> value, String unit) {
        return Gauge.builder(name, this.manager,
                (manager) -> manager.stream(stream).map(value::applyAsDouble).orElse(Double.NaN))
            .description(description).baseUnit(unit).tags(tags).register(registry);
    }
}
