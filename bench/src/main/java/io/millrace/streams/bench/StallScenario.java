package io.millrace.streams.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;

import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamView;

/**
 * Runs a Millrace stream whose only output is stalled: it fetches until {@code max-in-flight} pushes back and
 * then holds still, its heap bounded by that setting rather than by the input's size. Then the output is released
 * and every record must arrive.
 */
final class StallScenario {

    private static final long SAMPLE_MILLIS = 5;

    private final BenchSettings settings;

    private final ClientSettings clients;

    private final HeapMonitor heap;

    private final PrintStream log;

    StallScenario(BenchSettings settings, ClientSettings clients, HeapMonitor heap, PrintStream log) {
        this.settings = settings;
        this.clients = clients;
        this.heap = heap;
        this.log = log;
    }

    /**
     * Runs the scenario.
     * @param input the input topic
     * @param expected what the input holds
     * @return what happened
     * @throws InterruptedException if interrupted
     */
    StallResult run(String input, Expected expected) throws InterruptedException {
        Gate gate = new Gate();
        Map<String, Object> properties = new LinkedHashMap<>(this.clients.springKafka());
        properties.put("bench.stall.input", input);
        String stream = "millrace.streams." + StalledStreamApplication.STREAM;
        properties.put(stream + ".workers", this.settings.stallWorkers());
        properties.put(stream + ".max-in-flight", this.settings.stallMaxInFlight());
        properties.put(stream + ".dead-letter-topic", "stalled-millrace-dlt");
        HeapMonitor.Window window = this.heap.open();
        try (ConfigurableApplicationContext context = MillraceContender.run(StalledStreamApplication.class,
                "bench-stalled", properties,
                (applicationContext) -> applicationContext.getBeanFactory().registerSingleton("gate", gate))) {
            StreamManager manager = context.getBean(StreamManager.class);
            long started = System.nanoTime();
            long maxHeld = awaitStall(manager);
            Duration stalledFor = Duration.ofNanos(System.nanoTime() - started);
            long liveGrowth = Math.max(0, HeapMonitor.liveHeap() - window.figures().baseline());
            HeapMonitor.HeapFigures figures = window.figures();
            this.log.printf("stalled: holding %,d records, live heap +%.1f MB; releasing%n", maxHeld,
                    liveGrowth / 1e6);
            long released = System.nanoTime();
            gate.open();
            StreamView view = awaitProcessed(manager, expected.records());
            Duration drain = Duration.ofNanos(System.nanoTime() - released);
            long produced = view.produced().getOrDefault(StalledStreamApplication.OUTPUT, 0L);
            return new StallResult(expected.records(), expected.bytes() / expected.records(),
                    this.settings.stallWorkers(), this.settings.stallMaxInFlight(), this.settings.maxPollRecords(),
                    maxHeld, liveGrowth, figures, stalledFor, view.processed(), produced, drain);
        }
    }

    /** Waits until the stream has fetched something and then fetched nothing more for the settle time. */
    private long awaitStall(StreamManager manager) throws InterruptedException {
        long deadline = System.nanoTime() + this.settings.timeout().toNanos();
        long maxHeld = 0;
        long lastConsumed = -1;
        long unchangedSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            StreamView view = view(manager);
            maxHeld = Math.max(maxHeld, view.consumed() - view.processed());
            if (view.consumed() != lastConsumed) {
                lastConsumed = view.consumed();
                unchangedSince = System.nanoTime();
            }
            else if (lastConsumed > 0 && System.nanoTime() - unchangedSince >= this.settings.stallSettle().toNanos()) {
                return maxHeld;
            }
            Thread.sleep(SAMPLE_MILLIS);
        }
        throw new IllegalStateException("The stalled stream never settled: " + view(manager));
    }

    private StreamView awaitProcessed(StreamManager manager, long records) throws InterruptedException {
        long deadline = System.nanoTime() + this.settings.timeout().toNanos();
        StreamView view = view(manager);
        while (view.processed() < records && System.nanoTime() < deadline) {
            Thread.sleep(SAMPLE_MILLIS);
            view = view(manager);
        }
        return view;
    }

    private static StreamView view(StreamManager manager) {
        return manager.stream(StalledStreamApplication.STREAM).orElseThrow();
    }
}
