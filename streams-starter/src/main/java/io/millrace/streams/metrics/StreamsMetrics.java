package io.millrace.streams.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamStats;
import io.millrace.streams.runtime.StreamView;

/**
 * Every Millrace meter, named here and nowhere else. Reads the {@link StreamManager}'s counters; follows streams
 * added and removed at runtime.
 *
 * <ul>
 * <li>{@code millrace.records.consumed}, {@code .processed}, {@code .filtered}, {@code .dead.lettered}
 * (tag {@code stream}): records fetched, fully processed, dropped by the input processor, dead-lettered;</li>
 * <li>{@code millrace.records.produced} (tags {@code stream}, {@code topic}): output records acknowledged;</li>
 * <li>{@code millrace.stream.partitions.assigned}, {@code .paused} (tag {@code stream}): partitions owned and
 * paused.</li>
 * </ul>
 */
public class StreamsMetrics implements MeterBinder, StreamManager.Listener {

    public static final String CONSUMED = "millrace.records.consumed";

    public static final String PROCESSED = "millrace.records.processed";

    public static final String FILTERED = "millrace.records.filtered";

    public static final String DEAD_LETTERED = "millrace.records.dead.lettered";

    public static final String PRODUCED = "millrace.records.produced";

    public static final String PARTITIONS_ASSIGNED = "millrace.stream.partitions.assigned";

    public static final String PARTITIONS_PAUSED = "millrace.stream.partitions.paused";

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
        StreamStats stats = this.manager.stats(definition.name()).orElse(null);
        if (registry == null || stats == null) {
            return;
        }
        String name = definition.name();
        Tags tags = Tags.of("stream", name);
        List<Meter> registered = new CopyOnWriteArrayList<>();
        registered.add(counter(registry, CONSUMED, "Records fetched from the input topic", tags, stats,
                StreamStats::consumed));
        registered.add(counter(registry, PROCESSED, "Records fully processed", tags, stats, StreamStats::processed));
        registered.add(counter(registry, FILTERED, "Records dropped by the input processor", tags, stats,
                StreamStats::filtered));
        registered.add(counter(registry, DEAD_LETTERED, "Records sent to the dead-letter topic", tags, stats,
                StreamStats::deadLettered));
        for (String topic : definition.outputTopics()) {
            registered.add(counter(registry, PRODUCED, "Output records acknowledged by the broker",
                    tags.and("topic", topic), stats, (s) -> s.produced().getOrDefault(topic, 0L)));
        }
        registered.add(gauge(registry, PARTITIONS_ASSIGNED, "Input partitions owned", tags, name,
                (view) -> view.partitions().size()));
        registered.add(gauge(registry, PARTITIONS_PAUSED, "Input partitions paused", tags, name,
                (view) -> view.paused().size()));
        this.meters.put(name, registered);
    }

    private static Meter counter(MeterRegistry registry, String name, String description, Tags tags,
            StreamStats stats, ToDoubleFunction<StreamStats> value) {
        return FunctionCounter.builder(name, stats, value).description(description).baseUnit("records").tags(tags)
                .register(registry);
    }

    private Meter gauge(MeterRegistry registry, String name, String description, Tags tags, String stream,
            ToDoubleFunction<StreamView> value) {
        return Gauge.builder(name, this.manager,
                (manager) -> manager.stream(stream).map(value::applyAsDouble).orElse(Double.NaN))
            .description(description).baseUnit("partitions").tags(tags).register(registry);
    }
}
