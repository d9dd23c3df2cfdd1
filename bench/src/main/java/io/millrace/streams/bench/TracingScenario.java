package io.millrace.streams.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cost of Millrace's per-record tracing (issue 15): the sample {@code animals} stream on its own input, timed like
 * the throughput contest, in three set-ups interleaved by round with the bare kafka-clients loop as the floor: no
 * observation registry at all; a registry but no tracer (what Boot's actuator gives without a tracing bridge:
 * tracing off, whose target is no measurable change); a registry with a tracer (tracing on, Micrometer's
 * {@code SimpleTracer}, see {@link BenchTracing}). The input carries no trace headers: with tracing on every record
 * starts a trace of its own.
 */
final class TracingScenario {

    static final String INPUT = "bench-tracing";

    static final String BARE = "tr-bare";

    static final String NONE = "tr-millrace";

    static final String OFF = "tr-millrace-off";

    static final String ON = "tr-millrace-on";

    private static final String DEAD_LETTERS = "tr-millrace-dlt";

    private final BenchSettings settings;

    private final ClientSettings clients;

    private final Topics topics;

    private final HeapMonitor heap;

    private final AnimalWork work;

    private final PrintStream log;

    TracingScenario(BenchSettings settings, ClientSettings clients, Topics topics, HeapMonitor heap, AnimalWork work,
            PrintStream log) {
        this.settings = settings;
        this.clients = clients;
        this.topics = topics;
        this.heap = heap;
        this.work = work;
        this.log = log;
    }

    TracingResults run() throws Exception {
        long records = this.settings.tracingRecords();
        List<Contender> contenders = contenders(records).stream()
                .filter((contender) -> this.settings.runs(contender.name())).toList();
        List<String> names = new ArrayList<>(List.of(INPUT));
        contenders.forEach((contender) -> names.addAll(contender.topics().values()));
        this.topics.create(names.stream().distinct().toList(), this.settings.partitions());
        this.log.printf("Seeding %s with %,d records%n", INPUT, records);
        Expected input = new AnimalRecords(this.clients.bootstrapServers()).seed(INPUT, this.settings.partitions(),
                records, this.settings.invalidRatio(), 0);
        List<RunResult> runs = (input.records() > 0)
                ? new Rounds(this.heap, this.settings.timeout(), this.log).run(contenders, input,
                        this.settings.warmupRounds(), this.settings.rounds())
                : List.of();
        return new TracingResults(input, contenders, runs);
    }

    private List<Contender> contenders(long records) {
        Map<String, Object> properties = new LinkedHashMap<>(this.clients.springKafka());
        properties.put("millrace.streams.animals.input", INPUT);
        properties.put("millrace.streams.animals.dead-letter-topic", DEAD_LETTERS);
        Map<String, String> millraceTopics = new LinkedHashMap<>();
        AnimalWork.OUTPUTS.forEach((name) -> millraceTopics.put(name, name));
        millraceTopics.put(AnimalWork.DEAD_LETTERS, DEAD_LETTERS);
        String settings = Benchmark.overrides();
        return List.of(
                new BareLoop(BARE, INPUT, this.settings.partitions(), 1, this.work, this.clients, "tr-bare-"),
                new MillraceTracingContender(NONE, "Millrace, no ObservationRegistry (" + settings + ")",
                        MillraceAnimalsApplication.class, properties, millraceTopics, -1),
                new MillraceTracingContender(OFF, "Millrace, an ObservationRegistry, no Tracer: tracing off",
                        MillraceObservedAnimalsApplication.class, properties, millraceTopics, 0),
                new MillraceTracingContender(ON, "Millrace, SimpleTracer + W3C propagation: tracing on",
                        MillraceTracedAnimalsApplication.class, properties, millraceTopics, records));
    }
}
