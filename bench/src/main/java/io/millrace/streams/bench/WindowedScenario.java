package io.millrace.streams.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Windowed count: one input keyed by the counted key, its timestamps spanning {@code windowed-windows} tumbling
 * 10 s windows, seeded once ({@link WindowedRecords}); each round runs every contender in turn, each counting the
 * whole input from scratch. A run is timed like a word-count run, from its consumer's first fetch to the moment its
 * last output became visible: the broker's last acknowledgement at-least-once, the commit of the last transaction
 * exactly-once (the group's committed offsets reaching the input's end). The input ends with a record per
 * partition that closes every window, so the last output is the last window's results for every contender alike.
 * Afterwards the outputs of the run are read back: every key's count in every window must be its true count; a
 * contender of final results must have written exactly one per key and window, and for the others the last update
 * of each counts.
 *
 * <p>Re-keyed ({@code windowed-rekeyed}): the same with an input of its own keyed by a user, the counted key in the
 * value ({@link WindowedRecords}), which every contender but the bare loop re-keys through a repartition topic;
 * a run then ends once the input's group committed all of it and the repartition topic's group all of that.
 */
final class WindowedScenario {

    static final String INPUT = "bench-windowed";

    static final String REKEYED_INPUT = "bench-windowed-rekeyed";

    private static final long SAMPLE_MILLIS = 10;

    private final BenchSettings settings;

    private final ClientSettings clients;

    private final Topics topics;

    private final HeapMonitor heap;

    private final PrintStream log;

    private final List<WindowedContender> contenders;

    private final boolean rekeyed;

    private final String input;

    WindowedScenario(BenchSettings settings, ClientSettings clients, Topics topics, HeapMonitor heap,
            PrintStream log) {
        this(settings, clients, topics, heap, log, false);
    }

    WindowedScenario(BenchSettings settings, ClientSettings clients, Topics topics, HeapMonitor heap,
            PrintStream log, boolean rekeyed) {
        this.settings = settings;
        this.clients = clients;
        this.topics = topics;
        this.heap = heap;
        this.log = log;
        this.rekeyed = rekeyed;
        String input = rekeyed ? REKEYED_INPUT : INPUT;
        this.input = input;
        this.contenders = List.<WindowedContender>of(new BareWindowedCount(input, clients, rekeyed),
                new KafkaStreamsWindowedCount(input, clients, false, false, rekeyed),
                new KafkaStreamsWindowedCount(input, clients, true, false, rekeyed),
                new MillraceWindowedCount(input, clients, false, rekeyed),
                new KafkaStreamsWindowedCount(input, clients, false, true, rekeyed),
                new KafkaStreamsWindowedCount(input, clients, true, true, rekeyed),
                new MillraceWindowedCount(input, clients, true, rekeyed)).stream()
                .filter((contender) -> settings.runs(contender.name())).toList();
    }

    WindowedResults run() throws Exception {
        int partitions = this.settings.windowedPartitions();
        List<String> names = new ArrayList<>(List.of(this.input));
        this.contenders.forEach((contender) -> names.add(contender.output()));
        this.topics.create(names.stream().distinct().toList(), partitions);
        this.log.printf("Seeding %s with %,d records over %,d keys and %d windows%s%n", this.input,
                this.settings.windowedRecords(), this.settings.windowedKeys(), this.settings.windowedWindows(),
                this.rekeyed ? ", keyed by user, the counted key in the value" : "");
        WindowedRecords.Expectation expected = new WindowedRecords(this.clients.bootstrapServers()).seed(this.input,
                this.settings.windowedRecords(), this.settings.windowedKeys(), this.settings.windowedWindows(),
                partitions, this.rekeyed);
        List<RunResult> runs = new ArrayList<>();
        Map<String, Long> outputs = new HashMap<>();
        int total = this.settings.warmupRounds() + this.settings.rounds();
        for (int round = 0; round < total; round++) {
            for (WindowedContender contender : this.contenders) {
                Map<TopicPartition, Long> start = this.topics.endOffsets(contender.output(), partitions);
                RunResult result = measure(contender, round, round < this.settings.warmupRounds(), expected);
                runs.add(result);
                outputs.put(contender.name(), verify(contender, start, result, expected));
            }
        }
        return new WindowedResults(this.rekeyed, this.settings.windowedRecords(), this.settings.windowedKeys(),
                this.settings.windowedWindows(), expected.counts().size(), partitions, this.contenders, runs, outputs);
    }

    private RunResult measure(WindowedContender contender, int round, boolean warmup,
            WindowedRecords.Expectation expected) throws Exception {
        String runId = "bench-" + contender.name() + "-r" + round;
        try (Meter meter = Meter.start(runId, Long.MAX_VALUE)) {
            HeapMonitor.Window window = this.heap.open();
            RunResult result;
            try (AutoCloseable running = contender.start(runId)) {
                long deadline = System.nanoTime() + this.settings.timeout().toNanos();
                while (meter.consumed() < expected.records()) {
                    check(contender, meter, deadline);
                    Thread.sleep(SAMPLE_MILLIS);
                }
                // Every input is fetched: sample the CPU clock until the group's offsets reach the input's end.
                List<long[]> samples = new ArrayList<>();
                String group = contender.group(runId);
                String repartition = contender.repartitionTopic(runId);
                Map<TopicPartition, Long> repartitionEnd = null;
                while (true) {
                    samples.add(new long[] { System.nanoTime(), Meter.processCpu() });
                    if (repartitionEnd == null) {
                        long committed = this.topics.committed(group).entrySet().stream()
                                .filter((entry) -> entry.getKey().topic().equals(this.input))
                                .mapToLong(Map.Entry::getValue).sum();
                        if (committed >= expected.records()) {
                            if (repartition == null) {
                                break;
                            }
                            // The first stage is done: what it wrote to the repartition topic is there to count.
                            repartitionEnd = this.topics.endOffsets(repartition, this.settings.windowedPartitions());
                        }
                    }
                    if (repartitionEnd != null && counted(contender, runId, repartitionEnd)) {
                        break;
                    }
                    check(contender, meter, deadline);
                    Thread.sleep(SAMPLE_MILLIS);
                }
                long end = contender.exactlyOnce() ? samples.get(samples.size() - 1)[0] : meter.latestAcknowledgedAt();
                long cpuEnd = samples.get(samples.size() - 1)[1];
                for (long[] sample : samples) {
                    if (sample[0] >= end) {
                        cpuEnd = sample[1];
                        break;
                    }
                }
                result = new RunResult(contender.name(), round, warmup, this.settings.windowedRecords(),
                        Duration.ofNanos(end - meter.firstConsumedAt()),
                        Duration.ofNanos(cpuEnd - meter.cpuAtFirstConsumed()), window.figures());
            }
            if (meter.failure() != null) {
                throw new IllegalStateException(contender.name() + " failed to send", meter.failure());
            }
            return result;
        }
    }

    /**
     * Whether the re-keying stage committed every record of the repartition topic: its group's offsets reached the
     * ends, or under exactly-once the last record before the commit marker that ends each partition.
     */
    private boolean counted(WindowedContender contender, String runId, Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> committed = this.topics.committed(contender.repartitionGroup(runId));
        long marker = contender.exactlyOnce() ? 1 : 0;
        return ends.entrySet().stream().allMatch((end) -> end.getValue() == 0
                || committed.getOrDefault(end.getKey(), -1L) >= end.getValue() - marker);
    }

    private void check(WindowedContender contender, Meter meter, long deadline) {
        if (meter.failure() != null) {
            throw new IllegalStateException(contender.name() + " failed to send", meter.failure());
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(contender.name() + " did not finish in " + this.settings.timeout() + ": "
                    + meter);
        }
    }

    /** Reads the run's outputs back and checks every key's count in every window; returns the outputs read. */
    private long verify(WindowedContender contender, Map<TopicPartition, Long> start, RunResult result,
            WindowedRecords.Expectation expected) {
        Map<TopicPartition, Long> end = this.topics.endOffsets(contender.output(), start.size());
        Map<String, Long> last = new HashMap<>();
        long read = 0;
        long repeated = 0;
        try (Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(verifierProperties())) {
            consumer.assign(start.keySet());
            start.forEach(consumer::seek);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (start.keySet().stream().anyMatch((partition) -> consumer.position(partition) < end.get(partition))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    WindowedContender.Result window = contender.result(record);
                    read++;
                    if (WindowedRecords.isEnd(window.key())) {
                        continue;
                    }
                    if (last.put(WindowedRecords.id(window.key(), window.windowStart()), window.count()) != null) {
                        repeated++;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read the outputs of " + contender.name());
                }
            }
        }
        Map<String, Long> want = expected.counts();
        if (!last.equals(want)) {
            long wrong = want.entrySet().stream()
                    .filter((entry) -> !entry.getValue().equals(last.get(entry.getKey()))).count();
            throw new IllegalStateException(contender.name() + ": " + wrong + " of " + want.size()
                    + " key windows have a wrong last count (" + last.size() + " key windows in the output)");
        }
        if (contender.finalResults() && repeated > 0) {
            throw new IllegalStateException(contender.name() + " wrote " + repeated
                    + " results more than one per key and window");
        }
        this.log.printf("%-26s round %d%s: %,10.0f records/s (%,d records in %.2f s; %.1f us CPU per record; "
                + "%,d outputs, %,d key windows right; heap after GC +%.0f MB)%n", contender.name(), result.round(),
                result.warmup() ? " (warm-up)" : "", result.throughput(), result.records(),
                result.elapsed().toNanos() / 1e9, result.cpuMicrosPerRecord(), read, want.size(),
                result.heap().peakAfterGcGrowth() / 1e6);
        return read;
    }

    private Map<String, Object> verifierProperties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.clients.bootstrapServers());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return properties;
    }
}
